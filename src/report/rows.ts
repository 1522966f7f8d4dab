// The report as rows of plain data; the markdown and terminal renderers only lay these out.
import type { Status } from '../constants.js';
import type { TestCase, TestRun } from '../testing/types.js';
import type { FileChange, Report } from './types.js';

export interface StatusLine {
  icon: string;
  label: Status;
  reason: string;
}

export type RunResult = 'passed' | 'failed' | 'timed out';

export interface EvidenceRow {
  index: number;
  phase: TestRun['phase'];
  command: string;
  scope: 'targeted' | 'full';
  result: RunResult;
  /** "passed", "failed (exit 1)", "timed out after 300 s". */
  resultText: string;
  passed?: number;
  failed?: number;
  durationMs: number;
  logFile: string;
}

export type AfterState = 'passed' | 'failed' | 'not rerun';

export interface FailingRow {
  test: string;
  file?: string;
  before: 'failed';
  after: AfterState;
  message: string;
}

export interface CoverageRow {
  path: string;
  before: number;
  after: number;
  delta: number;
}

export interface UsageFacts {
  turns: number;
  promptTokens: number;
  /** Of the prompt tokens, those read from the cache. */
  cachedTokens: number;
  completionTokens: number;
  /** Of the completion tokens, those spent reasoning. */
  reasoningTokens: number;
  totalTokens: number;
  costUsd?: number;
}

const Icons: Record<Status, string> = {
  fixed: '✅',
  completed: '✅',
  'gave-up': '🛑',
  'not-reproduced': '⚪',
  flaky: '🎲',
  skipped: '⏭️',
  error: '❌',
  answered: '💬',
};

export function statusLine(report: Report): StatusLine {
  return { icon: Icons[report.status], label: report.status, reason: report.reason };
}

export function evidenceRows(report: Report): EvidenceRow[] {
  return report.runs.map((run) => {
    const result: RunResult = run.timedOut ? 'timed out' : run.ok ? 'passed' : 'failed';
    const resultText =
      result === 'timed out'
        ? `timed out after ${Math.round(run.durationMs / 1000)} s`
        : result === 'failed' && run.exitCode !== null
          ? `failed (exit ${run.exitCode})`
          : result;
    const failed = run.parsed.failed ?? (run.parsed.failures.length > 0 ? run.parsed.failures.length : undefined);
    return {
      index: run.index,
      phase: run.phase,
      command: run.command,
      scope: run.targeted ? 'targeted' : 'full',
      result,
      resultText,
      passed: run.parsed.passed,
      failed,
      durationMs: run.durationMs,
      logFile: run.logFile,
    };
  });
}

/** Each test that failed at the start, and what became of it after the edits. */
export function failingRows(report: Report): FailingRow[] {
  const afterEdits = report.runs.filter((r) => r.phase === 'edit-check' || r.phase === 'verify').reverse();
  return report.failingBefore.map((t) => {
    let after: AfterState = 'not rerun';
    if (report.failingAfter.some((a) => sameTest(a, t))) after = 'failed';
    else {
      for (const run of afterEdits) {
        const state = stateIn(run, t);
        // A full run that exited 0 had no failing test, whether or not its runner lists the passing ones.
        const seen = state ?? (run.ok && !run.targeted ? 'passed' : undefined);
        if (seen) {
          after = seen;
          break;
        }
      }
    }
    return { test: t.name, file: t.file, before: 'failed', after, message: t.message };
  });
}

export function changeRows(report: Report): FileChange[] {
  return [...report.changes].sort((a, b) => a.path.localeCompare(b.path));
}

export function coverageRows(report: Report): CoverageRow[] {
  return (report.coverage?.files ?? [])
    .map((f) => ({ path: f.path, before: f.before, after: f.after, delta: f.after - f.before }))
    .sort((a, b) => b.delta - a.delta || a.path.localeCompare(b.path));
}

export function usageFacts(report: Report): UsageFacts {
  const u = report.usage;
  return {
    turns: u.turns,
    promptTokens: u.promptTokens,
    cachedTokens: u.cachedTokens ?? 0,
    completionTokens: u.completionTokens,
    reasoningTokens: u.reasoningTokens ?? 0,
    totalTokens: u.promptTokens + u.completionTokens,
    costUsd: u.costUsd,
  };
}

/** Same test: same name, and the same file when both sides know it. */
export function sameTest(a: TestCase, b: TestCase): boolean {
  return a.name === b.name && (!a.file || !b.file || a.file === b.file);
}

function stateIn(run: TestRun, t: TestCase): 'passed' | 'failed' | undefined {
  if (run.parsed.failures.some((f) => sameTest(f, t))) return 'failed';
  if (run.parsed.passedCases.some((p) => sameTest(p, t))) return 'passed';
  return undefined;
}

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} m`;
}

export function formatPercent(value: number): string {
  return `${value.toFixed(1)}%`;
}

export function formatDelta(value: number): string {
  const sign = value > 0 ? '+' : value < 0 ? '−' : '±';
  return `${sign}${Math.abs(value).toFixed(1)}`;
}

export function formatCost(usd: number | undefined): string {
  if (usd === undefined) return 'unknown';
  return usd < 0.01 && usd > 0 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

export function formatCount(n: number | undefined): string {
  return n === undefined ? '—' : n.toLocaleString('en-US');
}
