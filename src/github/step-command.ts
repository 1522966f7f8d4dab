// Turns a workflow `run:` step into a command for `bash -c` that behaves as the runner ran it: env, directory, shell template.
import { isMapping } from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { posix } from 'node:path';
import { asString, type Scope, type Unknowns } from './expressions.js';
import { textOf, valueOf, type RunDefaults, type WorkflowStep } from './workflow-file.js';

export interface EnvResult {
  env: Record<string, string>;
  /** Variables whose values use what only the runner knows (secrets, step outputs…), with what they use. */
  uncertain: Map<string, string[]>;
}

/** Workflow, job and step env merged in the runner's order, each level seeing the ones before it as `env`. */
export function mergeEnv(levels: Array<TemplateToken | undefined>, scope: Scope): EnvResult {
  const env: Record<string, string> = {};
  const uncertain = new Map<string, string[]>();
  const seen = (): Scope => ({ ...scope, env: { ...scope.env, ...env } });
  for (const level of levels) {
    if (!level) continue;
    if (!isMapping(level)) {
      // `env: ${{ fromJSON(...) }}`: one expression for the whole map.
      const used: Unknowns = new Set();
      const value = valueOf(level, seen(), used);
      if (used.size > 0) uncertain.set('(env)', [...used]);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        for (const [key, v] of Object.entries(value)) env[key] = asString(v);
      }
      continue;
    }
    for (const pair of level) {
      const key = pair.key.toString();
      const used: Unknowns = new Set();
      env[key] = textOf(pair.value, seen(), used);
      if (used.size > 0) uncertain.set(key, [...used]);
      else uncertain.delete(key);
    }
  }
  return { env, uncertain };
}

/** The step's working directory: step, then job `defaults.run`, then workflow `defaults.run`; relative to the workspace. */
export function workingDirectoryOf(defaults: RunDefaults[], step: WorkflowStep, scope: Scope, workspace: string, unknown: Unknowns): string | undefined {
  const token = step.workingDirectory ?? defaults.find((d) => d.workingDirectory)?.workingDirectory;
  if (!token) return undefined;
  const value = textOf(token, scope, unknown);
  // The workspace is the root every relative path already starts from.
  const local = value.startsWith(workspace) ? `.${value.slice(workspace.length)}` : value;
  const normalized = posix.normalize(local).replace(/\/$/, '');
  return normalized === '.' || normalized === '' ? undefined : normalized;
}

export function shellOf(defaults: RunDefaults[], step: WorkflowStep, scope: Scope): string | undefined {
  const token = step.shell ?? defaults.find((d) => d.shell)?.shell;
  return token ? textOf(token, scope, new Set()).trim() : undefined;
}

/** How a step's shell runs here: inline in `bash -c` behind a prelude, or as a script file given to its own program. */
export type ShellPlan = { kind: 'inline'; prelude: string } | { kind: 'file'; template: string; extension: string } | { error: string };

const loginPrelude =
  'if [ -r /etc/profile ]; then . /etc/profile; fi; ' +
  'for __rg_profile in ~/.bash_profile ~/.bash_login ~/.profile; do if [ -r "$__rg_profile" ]; then . "$__rg_profile"; break; fi; done';

/**
 * The runner's shells on Linux: no shell is `bash -e {0}`, `bash` adds pipefail, `sh -e`; a template such as
 * `bash -l {0}` keeps its flags (a login shell reads the profile first); `python` and `pwsh` run a script file.
 */
export function shellPlan(shell: string | undefined): ShellPlan {
  if (shell === undefined || shell === 'sh') return { kind: 'inline', prelude: 'set -e' };
  if (shell === 'bash') return { kind: 'inline', prelude: 'set -eo pipefail' };
  if (shell === 'python') return { kind: 'file', template: 'python {0}', extension: '.py' };
  if (shell === 'pwsh') return { kind: 'file', template: `pwsh -command ". '{0}'"`, extension: '.ps1' };
  if (shell === 'cmd' || shell === 'powershell') return { error: `runs with \`shell: ${shell}\`, which exists only on Windows runners` };
  if (!shell.includes('{0}')) return { error: `runs with \`shell: ${shell}\`, a template without {0}` };
  const program = shell.trim().split(/\s+/, 1)[0] ?? '';
  if (program === 'bash' || program === 'sh' || /\/(ba)?sh$/.test(program)) {
    const errexit = /(^|\s)-[a-z]*e[a-z]*(\s|$)|errexit/.test(shell);
    const pipefail = shell.includes('pipefail');
    const login = /(^|\s)(-[a-z]*l[a-z]*|--login)(\s|$)/.test(shell);
    const flags = [errexit ? 'e' : '', pipefail ? 'o pipefail' : ''].filter(Boolean).join('');
    const lines = [login ? loginPrelude : '', flags ? `set -${flags}` : ''].filter(Boolean);
    return { kind: 'inline', prelude: lines.join('\n') };
  }
  const extension = program === 'python' || program.endsWith('/python') || program.startsWith('python3') ? '.py' : program === 'pwsh' ? '.ps1' : '';
  return { kind: 'file', template: shell, extension };
}

/** The script with its prelude, where one is needed: several lines, `;`, a pipe under pipefail, or a login shell. */
export function withPrelude(script: string, prelude: string): string {
  const body = script.trim();
  if (!prelude) return body;
  const needed = body.includes('\n') || body.includes(';') || prelude.includes('\n') || prelude.includes('profile') || (prelude.includes('pipefail') && body.includes('|'));
  return needed ? `${prelude}\n${body}` : body;
}

/**
 * An earlier step as one self-contained command run from `fromDir` (the failed command's directory): it changes to
 * its own directory and exports its own env first, so nothing leaks between steps; a non-bash shell gets a script file.
 */
export function setupScript(opts: { script: string; plan: Exclude<ShellPlan, { error: string }>; stepDir?: string; fromDir?: string; stepEnv: Record<string, string> }): string {
  const lines: string[] = [];
  const from = opts.fromDir ?? '.';
  const to = opts.stepDir ?? '.';
  if (from !== to) {
    const target = posix.isAbsolute(to) ? to : posix.relative(from, to) || '.';
    lines.push(`cd -- ${shellQuote(target)} || exit 1`);
  }
  for (const [key, value] of Object.entries(opts.stepEnv)) {
    // A name bash cannot export could not have reached the step's process either.
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) lines.push(`export ${key}=${shellQuote(value)}`);
  }
  if (opts.plan.kind === 'file') {
    // As the runner does: the script goes to a file of its own, and the template runs it.
    const marker = uniqueMarker(opts.script);
    lines.push(`__rg_step=$(mktemp --suffix=${opts.plan.extension || '.sh'}) || exit 1`);
    lines.push(`cat > "$__rg_step" <<'${marker}'\n${opts.script.replace(/\n?$/, '\n')}${marker}`);
    lines.push(opts.plan.template.replaceAll('{0}', '"$__rg_step"'));
    return lines.join('\n');
  }
  if (lines.length === 0) return withPrelude(opts.script, opts.plan.prelude);
  return [opts.plan.prelude, ...lines, opts.script.trim()].filter(Boolean).join('\n');
}

function uniqueMarker(script: string): string {
  let marker = 'REDGREEN_STEP';
  while (script.includes(marker)) marker += '_';
  return marker;
}

export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
