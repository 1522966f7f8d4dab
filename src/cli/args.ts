// The CLI's flags: the action's inputs under the same names (plus a few short forms), read into the same Settings.
import { parseArgs } from 'node:util';
import path from 'node:path';
import { Inputs } from '../constants.js';
import { parseSettings, SettingsError, type Settings } from '../settings.js';

export const Commands = ['fix', 'task', 'coverage', 'demo'] as const;
export type Command = (typeof Commands)[number];

/** Flags that are inputs of the action, by input name; the CLI leaves out what only makes sense in Actions. */
const InputFlags = [
  Inputs.TestCommand,
  Inputs.SetupCommand,
  Inputs.Prompt,
  Inputs.OpenAIBaseUrl,
  Inputs.Model,
  Inputs.Api,
  Inputs.ReasoningEffort,
  Inputs.MaxIterations,
  Inputs.MaxTokens,
  Inputs.MaxCostUsd,
  Inputs.MaxMinutes,
  Inputs.TestTimeout,
  Inputs.Push,
  Inputs.BranchPrefix,
  Inputs.CoverageCommand,
  Inputs.CoverageFile,
  Inputs.AllowWorkflowEdits,
  Inputs.WorkingDirectory,
  Inputs.SecretEnv,
  Inputs.CommitAuthor,
] as const;

export const HELP = `redgreen — turns red tests green, and proves it by running them.

Usage:
  redgreen fix --test "<command>" [options]       fix the failing tests of a local git checkout
  redgreen task --prompt "<task>" --test "<cmd>"  do a task, keeping the tests green
  redgreen coverage --coverage-command "<cmd>" --test "<cmd>"
                                                  write tests for the least-covered code
  redgreen demo                                   fix a small bundled project offline, with a scripted model

The fix is committed on a local branch (redgreen/...); nothing is pushed unless --push branch.
The model key comes from OPENAI_API_KEY; any OpenAI-compatible server works with --openai-base-url.

Options (the action's inputs, same names):
  -t, --test-command <cmd>    the command that must pass (bash -c, in the working directory)
      --setup-command <cmd>   run once before reproducing (install, build)
  -p, --prompt <text>         the task (task mode); extra instructions otherwise
      --openai-base-url <url> OpenAI-compatible endpoint (default: OpenAI)
  -m, --model <name>          model name (default: gpt-5.3-codex on OpenAI, gpt-5-mini elsewhere)
      --api <auto|chat|responses>  model protocol (default: auto: Responses on OpenAI and for codex models)
      --reasoning-effort <e>  the model's reasoning effort (default: the model's own)
      --shell                 offer the model a shell tool; its commands run as you, in the project folder
      --max-iterations <n>    most model turns (default: 30)
      --max-tokens <n>        most model tokens (default: 2000000)
      --max-cost-usd <usd>    most spend on the model; needs a model with a known price
      --max-minutes <n>       wall-clock budget (default: 30)
      --test-timeout <s>      seconds one test run may take (default: 600)
      --push <none|branch>    push the fix branch to origin (default: none)
      --branch-prefix <p>     prefix of the fix branch (default: redgreen/)
      --coverage-command <c>  coverage mode: the command that writes the coverage file
      --coverage-file <path>  coverage mode: LCOV, Cobertura XML or coverage.py JSON (default: coverage/lcov.info)
      --allow-workflow-edits  let the model write under .github/workflows/
  -C, --working-directory <d> the project folder (default: the current folder)
      --secret-env <names>    more environment variable names to withhold from tests and redact
      --commit-author <a>     'Name <email>' of the fix commit (default: redgreen[bot])
      --evidence-dir <dir>    where the evidence goes (default: a new folder under $TMPDIR/redgreen-evidence/)
      --json                  print one JSON object on stdout (the outputs and the evidence rows); progress goes to stderr
      --keep                  demo: keep the demo project folder
  -v, --version               the version of redgreen
  -h, --help                  this help

The run works in a temporary git worktree at HEAD: your branch, working tree and uncommitted
changes are left as they were, and the fix lives only on the redgreen/... branch. At the end it
prints the diff of that branch against where it started, then the evidence table.

Exit codes: 0 when the run was carried out, whatever it found (fixed, completed, gave-up,
not-reproduced, flaky, skipped); 1 for error; 2 for a usage error; 130 when interrupted.
`;

export interface CliArgs {
  command: Command;
  settings: Settings;
  evidenceDir?: string;
  keep: boolean;
  json: boolean;
  /** Offer the model the shell tool. */
  shell: boolean;
}

export function parseCli(argv: string[], env: NodeJS.ProcessEnv, cwd: string): CliArgs | 'help' | 'version' {
  const options = Object.fromEntries(
    InputFlags.map((name) => [name, { type: name === Inputs.AllowWorkflowEdits ? ('boolean' as const) : ('string' as const) }]),
  ) as Record<string, { type: 'string' | 'boolean'; short?: string }>;
  options[Inputs.TestCommand] = { type: 'string', short: 't' };
  options[Inputs.Prompt] = { type: 'string', short: 'p' };
  options[Inputs.Model] = { type: 'string', short: 'm' };
  options[Inputs.WorkingDirectory] = { type: 'string', short: 'C' };
  options.test = { type: 'string' };
  options['evidence-dir'] = { type: 'string' };
  options.keep = { type: 'boolean' };
  options.json = { type: 'boolean' };
  options.shell = { type: 'boolean' };
  options.help = { type: 'boolean', short: 'h' };
  options.version = { type: 'boolean', short: 'v' };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new SettingsError(`${(e as Error).message}. See redgreen --help.`);
  }
  const { values, positionals } = parsed;
  if (values.version) return 'version';
  if (values.help || positionals.length === 0) return 'help';
  const command = positionals[0] as Command;
  if (!Commands.includes(command)) throw new SettingsError(`Unknown command '${positionals[0]}'. See redgreen --help.`);
  const flag = (name: string): string => {
    const v = name === Inputs.TestCommand ? (values[name] ?? values.test) : values[name];
    return typeof v === 'boolean' ? String(v) : (v ?? '');
  };
  const settings = parseSettings(
    (name) => {
      if (name === Inputs.Mode) return command === 'demo' ? 'fix' : command;
      if (name === Inputs.OpenAIApiKey) return env.OPENAI_API_KEY ?? '';
      if (name === Inputs.Push) return flag(name) || 'none';
      return flag(name);
    },
    cwd,
    path.resolve,
  );
  if (settings.push === 'pr') throw new SettingsError('The CLI pushes a branch at most (--push branch); pull requests are opened by the action.');
  return { command, settings, evidenceDir: values['evidence-dir'] as string | undefined, keep: values.keep === true, json: values.json === true, shell: values.shell === true };
}
