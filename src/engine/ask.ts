// Ask mode: the model reads, searches and runs the tests to answer a question; whatever a command changes is put back
// and told to the model; the answer's permalinks are checked against the commit it read. Nothing is committed or pushed.
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { Budget } from '../agent/budget.js';
import { runLoop } from '../agent/loop.js';
import type { ModelClient } from '../agent/model.js';
import { gatherInstructions, systemPrompt } from '../agent/prompt.js';
import { createShell, type Shell } from '../agent/shell.js';
import { Workspace } from '../agent/workspace.js';
import { ToolNames } from '../constants.js';
import { Git } from '../delivery/git.js';
import type { Host } from '../host.js';
import { writeEvidence } from '../report/evidence.js';
import { checkPermalinks, type CheckedLink, type PermalinkBase } from '../report/permalinks.js';
import type { Report } from '../report/types.js';
import type { ExitGate } from '../safety/gate.js';
import type { Settings } from '../settings.js';
import { createTestHarness } from '../testing/harness.js';
import { errorMessage } from '../util/errors.js';
import { projectDigestOf } from './agent.js';
import { emptyReport } from './finish.js';
import { describe } from './reproduce.js';

export interface AskJob {
  settings: Settings;
  /** The question, with any quoted material around it. */
  question: string;
  repoRoot: string;
  workDir: string;
  /** The commit read; permalinks point to it. */
  sha: string;
  base: PermalinkBase;
  childEnv: Record<string, string>;
  gate: ExitGate;
  evidenceDir: string;
  startedAt: number;
  source: Report['source'];
  readInstructions?: (relPath: string) => Promise<string | undefined>;
}

export interface AskResult {
  report: Report;
  links: CheckedLink[];
  /** Files commands changed (and that were put back). */
  undone: string[];
}

export async function answerQuestion(job: AskJob, host: Host, model: ModelClient): Promise<AskResult> {
  const { settings } = job;
  await mkdir(path.join(job.evidenceDir, 'logs'), { recursive: true });
  const testCommand = settings.testCommand;
  const harness = testCommand
    ? createTestHarness({
        command: testCommand,
        cwd: job.workDir,
        env: job.childEnv,
        timeoutSec: settings.testTimeoutSec,
        logDir: path.join(job.evidenceDir, 'logs'),
        redact: job.gate.redact,
        onOutput: host.onTestOutput,
      })
    : undefined;
  const budget = new Budget(
    { maxTurns: settings.maxIterations, maxTokens: settings.maxTokens, maxCostUsd: settings.maxCostUsd, deadline: job.startedAt + settings.maxMinutes * 60_000 },
    settings.model,
    settings.baseUrl,
  );
  const git = new Git(job.workDir);
  const guard = await ChangeGuard.start(git);
  const names = [ToolNames.ReadFile, ToolNames.ListFiles, ToolNames.Search, ...(harness ? [ToolNames.RunTests] : []), ToolNames.Shell];
  const workspace = await Workspace.open(job.workDir, { allowWorkflowEdits: false, refuseWrite: () => 'Ask mode changes no file.' });
  const instructions = await gatherInstructions(job.repoRoot, job.workDir, (p) =>
    job.readInstructions ? job.readInstructions(p) : readFile(path.join(job.repoRoot, p), 'utf8').catch(() => undefined),
  );
  const prefix = path.relative(job.repoRoot, job.workDir).split(path.sep).filter(Boolean).join('/');
  const blob = `${job.base.serverUrl}/${job.base.repo}/blob/${job.sha}/${prefix ? `${prefix}/` : ''}`;
  const first = [
    `The question:\n${job.question}`,
    `Cite files as permalinks to the commit you are reading: ${blob}<path>#L<first>-L<last>, with <path> relative to the project root (for example ${blob}README.md#L1-L5).`,
    harness ? `run_tests runs the test command \`${testCommand}\`.` : 'There is no test command, so no tests can be run.',
  ].join('\n\n');

  let outcome: { status: Report['status']; reason: string; answer?: string } = { status: 'error', reason: 'The run ended early.' };
  let transcript: unknown[] = [];
  try {
    const result = await host.log.group('Agent loop', () =>
      runLoop({
        model,
        budget,
        system: systemPrompt('ask', instructions, undefined),
        firstMessage: first,
        redact: job.gate.redact,
        // Nothing to verify: an answer is done when the model gives it.
        verify: async () => ({ ok: true }),
        log: (l) => host.log.info(l),
        host: {
          workspace,
          only: names,
          shell: guardedShell(
            createShell({ workspace, env: job.childEnv, maxTimeoutMs: settings.testTimeoutSec * 1000, logDir: path.join(job.evidenceDir, 'shell'), redact: job.gate.redact }),
            guard,
          ),
          listFiles: () => listFiles(git),
          runTests: async () => {
            // No failing tests to target here: every call runs the whole command.
            const run = await harness!.run({ phase: 'edit-check' });
            host.log.info(`run_tests: ${describe(run)}`);
            return `${projectDigestOf(job.workDir, run)}${await guard.undo()}`;
          },
        },
      }),
    );
    transcript = result.transcript;
    outcome = result.verified
      ? { status: 'answered', reason: 'The model answered.', answer: result.finalMessage }
      : { status: 'gave-up', reason: `No answer: ${result.reason}.` };
  } catch (e) {
    outcome = { status: 'error', reason: errorMessage(e) };
  }
  // Whatever the last command left behind is put back too.
  await guard.undo();

  let links: CheckedLink[] = [];
  let answer = outcome.answer;
  if (answer !== undefined) {
    const root = new Git(job.repoRoot);
    const checked = await host.log.group('Check citations', () => checkPermalinks(answer!, job.base, (p) => linesAt(root, job.sha, p)));
    links = checked.links;
    answer = job.gate.redact(checked.text);
    for (const l of links) host.log.info(`citation: ${l.given} → ${l.posted ?? 'removed'}${l.why ? ` (${l.why})` : ''}`);
  }
  const report: Report = {
    ...emptyReport({ mode: 'ask', status: outcome.status, reason: outcome.reason, evidenceDir: job.evidenceDir, startedAt: job.startedAt }),
    prompt: job.question,
    ...(testCommand ? { testCommand } : {}),
    runs: harness ? [...harness.runs] : [],
    usage: { turns: budget.turns, promptTokens: budget.promptTokens, completionTokens: budget.completionTokens, costUsd: budget.costUsd },
    source: job.source,
    ...(answer !== undefined ? { answer } : {}),
  };
  await host.log.group('Evidence', async () => {
    await writeEvidence(job.evidenceDir, { report, transcript, gate: job.gate });
    report.artifactUrl = (await host.uploadEvidence(job.evidenceDir))?.url;
  });
  return { report, links, undone: [...guard.undone] };
}

/** The shell, with whatever its commands changed put back after each call and told to the model. */
function guardedShell(shell: Shell, guard: ChangeGuard): Shell {
  return {
    async run(commands, opts) {
      const out = await shell.run(commands, opts);
      const note = await guard.undo();
      if (!note) return out;
      const last = out.results.at(-1);
      if (last) last.stderr = `${last.stderr}${note}`.trim();
      return { ...out, text: `${out.text}${note}`, edited: [] };
    },
  };
}

/** The lines of a file at a commit, as an editor numbers them; undefined when the file is not there. */
async function linesAt(git: Git, sha: string, file: string): Promise<number | undefined> {
  const r = await git.exec(['cat-file', '-p', `${sha}:${file}`], { allowFailure: true });
  if (r.exitCode !== 0) return undefined;
  const lines = r.stdout.split('\n');
  return lines.at(-1) === '' ? lines.length - 1 : lines.length;
}

async function listFiles(git: Git): Promise<string[]> {
  const r = await git.exec(['ls-files', '--cached', '--others', '--exclude-standard', '-z']);
  return [...new Set(r.stdout.split('\0').filter(Boolean))].sort();
}

/** Puts the working tree back as it was after anything a command changed, and says what it put back. */
class ChangeGuard {
  readonly undone = new Set<string>();
  private constructor(
    private readonly git: Git,
    private readonly before: Set<string>,
  ) {}

  static async start(git: Git): Promise<ChangeGuard> {
    return new ChangeGuard(git, new Set(await status(git)));
  }

  /** An empty string when nothing changed; else a note for the model. */
  async undo(): Promise<string> {
    const changed = (await status(this.git)).filter((e) => !this.before.has(e));
    if (changed.length === 0) return '';
    const files = changed.map((e) => e.slice(3));
    const tracked = changed.filter((e) => !e.startsWith('??')).map((e) => e.slice(3));
    if (tracked.length) await this.git.exec(['checkout', '--quiet', 'HEAD', '--', ...tracked], { allowFailure: true });
    for (const e of changed.filter((x) => x.startsWith('??'))) await rm(path.join(this.git.cwd, e.slice(3)), { force: true, recursive: true });
    for (const f of files) this.undone.add(f);
    return `\n\n[Ask mode changes nothing: ${files.join(', ')} changed and ${files.length === 1 ? 'was' : 'were'} put back.]`;
  }
}

/** `XY path` entries, paths relative to the folder git runs in. */
async function status(git: Git): Promise<string[]> {
  const r = await git.exec(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames', '--', '.']);
  const top = (await git.exec(['rev-parse', '--show-prefix'])).stdout.trim();
  return r.stdout
    .split('\0')
    .filter(Boolean)
    .map((e) => `${e.slice(0, 3)}${top && e.slice(3).startsWith(top) ? e.slice(3 + top.length) : e.slice(3)}`);
}
