// Turns a workflow `run:` step into a command for `bash -c` that behaves as the runner ran it: env, directory, shell flags.
import { posix } from 'node:path';
import { resolveExpressions, type ExpressionScope } from './expressions.js';
import type { WorkflowJob, WorkflowStep, Workflow } from './workflow-file.js';

export interface EnvResult {
  env: Record<string, string>;
  /** Variables left out because their values are expressions only the runner can evaluate. */
  dropped: string[];
}

/** Workflow, job and step env merged in the runner's order; an expression is kept only if it resolves here. */
export function mergeEnv(levels: Array<WorkflowStep['env']>, matrix: Record<string, string>): EnvResult {
  const env: Record<string, string> = {};
  const dropped: string[] = [];
  for (const level of levels) {
    if (level === undefined) continue;
    if (typeof level === 'string') {
      dropped.push(level);
      continue;
    }
    for (const [key, raw] of Object.entries(level)) {
      if (raw === null) continue;
      const { value, unresolved } = resolveExpressions(String(raw), { matrix, env });
      if (unresolved.length > 0) {
        delete env[key];
        dropped.push(key);
      } else {
        env[key] = value;
      }
    }
  }
  return { env, dropped: [...new Set(dropped)] };
}

/** The step's working directory: step, then job `defaults.run`, then workflow `defaults.run`; relative to the workspace. */
export function workingDirectoryOf(
  workflow: Workflow,
  job: WorkflowJob,
  step: WorkflowStep,
  scope: ExpressionScope,
): { value?: string; unresolved: string[] } {
  const raw =
    step['working-directory'] ?? job.defaults?.run?.['working-directory'] ?? workflow.defaults?.run?.['working-directory'];
  if (raw === undefined) return { unresolved: [] };
  // The workspace is the root every relative path already starts from.
  const local = raw.replace(/^\$\{\{\s*github\.workspace\s*\}\}\/?/, './');
  const { value, unresolved } = resolveExpressions(local, scope);
  const normalized = posix.normalize(value).replace(/\/$/, '');
  return normalized === '.' || normalized === '' ? { unresolved } : { value: normalized, unresolved };
}

export function shellOf(workflow: Workflow, job: WorkflowJob, step: WorkflowStep): string | undefined {
  return step.shell ?? job.defaults?.run?.shell ?? workflow.defaults?.run?.shell;
}

/**
 * The `set` line that gives `bash -c` the runner's error handling for this shell (`bash -e {0}` by default,
 * `-eo pipefail` for `shell: bash`), or an error for shells that are not bash or sh.
 */
export function shellPrelude(shell: string | undefined): { prelude: string } | { error: string } {
  if (shell === undefined || shell === 'sh') return { prelude: 'set -e' };
  if (shell === 'bash') return { prelude: 'set -eo pipefail' };
  const program = shell.trim().split(/\s+/, 1)[0] ?? '';
  if ((program === 'bash' || program === 'sh' || /\/(ba)?sh$/.test(program)) && shell.includes('{0}')) {
    const errexit = /(^|\s)-[a-z]*e[a-z]*(\s|$)|errexit/.test(shell);
    const pipefail = shell.includes('pipefail');
    const flags = [errexit ? 'e' : '', pipefail ? 'o pipefail' : ''].filter(Boolean).join('');
    return { prelude: flags ? `set -${flags}` : '' };
  }
  return { error: `it runs with \`shell: ${shell}\`, which is not bash or sh` };
}

/** The script with its `set` line, where one is needed: several lines, `;`, or a pipe under pipefail. */
export function withPrelude(script: string, prelude: string): string {
  const body = script.trim();
  if (!prelude) return body;
  const needed = body.includes('\n') || body.includes(';') || (prelude.includes('pipefail') && body.includes('|'));
  return needed ? `${prelude}\n${body}` : body;
}

/**
 * An earlier step as one self-contained command run from `fromDir` (the failed command's directory): it changes to
 * its own directory and exports its own env first, so nothing leaks between steps.
 */
export function setupScript(opts: {
  script: string;
  prelude: string;
  stepDir?: string;
  fromDir?: string;
  stepEnv: Record<string, string>;
}): string {
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
  if (lines.length === 0) return withPrelude(opts.script, opts.prelude);
  return [opts.prelude, ...lines, opts.script.trim()].filter(Boolean).join('\n');
}

export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
