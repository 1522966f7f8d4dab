// What a local run leaves on stdout: the diff of the fix and the evidence table for people, or one JSON object for scripts.
import { actionOutputs } from '../report/outputs.js';
import { evidenceRows, failingRows } from '../report/rows.js';
import { renderTerminal } from '../report/terminal.js';
import type { LocalResult } from './local.js';

export function renderText(r: LocalResult): string {
  const { report } = r;
  const parts: string[] = [];
  const diff = r.diff;
  if (diff) parts.push(`The fix, against ${r.checkout.branch ?? 'HEAD'} (${r.checkout.head.slice(0, 7)}):\n\n${diff.trimEnd()}`);
  parts.push(renderTerminal(report).trimEnd());
  const closing: string[] = [];
  if (report.localBranch) closing.push(`The fix is on the local branch ${report.localBranch}.`);
  if (report.branch) closing.push(`Pushed: ${report.branch}`);
  closing.push(...report.notes);
  if (closing.length) parts.push(closing.join('\n'));
  return `\n${parts.join('\n\n')}\n`;
}

const numberOrNull = (v: string): number | null => (v === '' ? null : Number(v));

/**
 * One object: the action's outputs under their own names (`branch` is the branch holding the fix,
 * local or pushed), then the evidence table's rows and what the run started from.
 */
export function renderJson(r: LocalResult): string {
  const { report } = r;
  const out = actionOutputs(report);
  const json = {
    status: out.status,
    reason: report.reason,
    mode: report.mode,
    branch: report.branch ?? report.localBranch ?? null,
    pushed: report.branch !== undefined,
    'pr-url': out['pr-url'] || null,
    attempts: Number(out.attempts),
    tokens: Number(out.tokens),
    'cost-usd': numberOrNull(out['cost-usd']),
    'coverage-before': numberOrNull(out['coverage-before']),
    'coverage-after': numberOrNull(out['coverage-after']),
    'evidence-dir': out['evidence-dir'],
    turns: report.usage.turns,
    base: { sha: r.checkout.head, branch: r.checkout.branch ?? null },
    'uncommitted-changes': r.checkout.uncommitted.length,
    diff: r.diff || null,
    runs: evidenceRows(report).map((row) => ({
      index: row.index,
      phase: row.phase,
      command: row.command,
      scope: row.scope,
      result: row.result,
      'result-text': row.resultText,
      passed: row.passed ?? null,
      failed: row.failed ?? null,
      'duration-ms': row.durationMs,
      log: row.logFile,
    })),
    failing: failingRows(report).map((f) => ({ test: f.test, file: f.file ?? null, before: f.before, after: f.after })),
    changes: report.changes,
    notes: report.notes,
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}
