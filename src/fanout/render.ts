// Plan's and pick's summaries and pick's PR body, built as rows and rendered in one place.
import { cap, code, table, text } from '../report/markdown.js';
import { formatCost, formatCount } from '../report/rows.js';
import type { MatrixPlan } from './matrix.js';
import { linesOf, type AttemptRecord, type PlanRecord } from './record.js';

export interface AttemptRow {
  attempt: number;
  model: string;
  /** Undefined when the cell left no record (cancelled, or ended before it could upload). */
  record?: AttemptRecord;
  jobUrl?: string;
}

export interface KeyOutcome {
  key: PlanRecord['keys'][number];
  rows: AttemptRow[];
  winner?: AttemptRecord;
  prUrl?: string;
  branch?: string;
  /** Why the key got no pull request, when it did not. */
  problem?: string;
}

const Limit = 60_000;

export function renderPlanSummary(status: string, reason: string, plan: MatrixPlan | undefined, neverRan: string[]): string {
  const parts = [`## redgreen plan: ${text(status)}`, text(reason)];
  if (plan && plan.entries.length > 0) {
    parts.push(
      table(
        ['key', 'attempt', 'model', 'job'],
        plan.entries.map((e) => [code(e.key), `${e.attempt} of ${e['best-of']}`, code(e.model), text(e.name)]),
      ),
    );
    const riders = plan.keys.filter((k) => k.alsoFailed.length > 0);
    for (const k of riders) parts.push(`${code(k.key)} fixes ${text(k.name)}; the same job also failed in ${text(k.alsoFailed.join(', '))}.`);
  }
  if (plan && plan.leftOut.length > 0) parts.push(['**Left out** (GitHub runs at most 256 jobs from one matrix):', ...plan.leftOut.map((l) => `- ${text(l)}`)].join('\n'));
  if (neverRan.length > 0) parts.push(`Jobs that never ran (a job they need failed) are left out: ${text(neverRan.join(', '))}.`);
  return cap(`${parts.join('\n\n')}\n`, Limit, { unit: 'bytes' });
}

/** The table of every attempt of one key: the same in the PR body and the summary. */
export function attemptsTable(outcome: KeyOutcome): string {
  const rows = outcome.rows.map((r) => {
    const rec = r.record;
    const won = rec && outcome.winner && rec.attempt === outcome.winner.attempt ? ' (picked)' : '';
    const job = r.jobUrl ? `[job](${r.jobUrl})` : '—';
    if (!rec) return [`${r.attempt}`, code(r.model), 'no record', '—', '—', '—', job];
    const verified = rec.verified ? `yes${won}` : `no: ${rec.status}, ${text(rec.reason.slice(0, 160))}`;
    const lines = rec.verified ? `+${rec.linesAdded} −${rec.linesRemoved} (${linesOf(rec)})` : '—';
    return [`${r.attempt}`, code(rec.model), verified, lines, formatCount(rec.tokens), formatCost(rec.costUsd), job];
  });
  return table(['attempt', 'model', 'verified', 'lines', 'tokens', 'cost', 'job'], rows, ['right', 'left', 'left', 'right', 'right', 'right', 'left']);
}

export function renderPickPr(outcome: KeyOutcome): string {
  const w = outcome.winner!;
  const parts = [
    `### redgreen: attempt ${w.attempt} of ${outcome.rows.length} picked`,
    `${text(w.reason)} ${w.mode === 'fix' ? `Fixes ${text(outcome.key.name)}.` : `Task: ${text(outcome.key.name)}`}`,
    ...(outcome.key.alsoFailed.length > 0
      ? [`The same job also failed in ${text(outcome.key.alsoFailed.join(', '))}; this change was verified against ${text(outcome.key.name)}.`]
      : []),
    `Files: ${w.files.map(code).join(', ')}`,
    attemptsTable(outcome),
    'Each attempt ran on its own runner and had to pass the full test command to count as verified. ' +
      'Among the verified ones the smallest change won (lines added plus removed), then the fewest tokens, then the lowest attempt.',
  ];
  return cap(`${parts.join('\n\n')}\n`, Limit, { unit: 'chars' });
}

export function renderPickSummary(status: string, reason: string, outcomes: KeyOutcome[], notes: string[]): string {
  const parts = [`## redgreen pick: ${text(status)}`, text(reason)];
  for (const o of outcomes) {
    const head = o.prUrl
      ? `### ${code(o.key.key)}: ${o.prUrl}`
      : `### ${code(o.key.key)}: no pull request${o.problem ? ` (${text(o.problem)})` : ''}`;
    parts.push(head, `${text(o.key.name)}${o.key.alsoFailed.length ? `; also failed: ${text(o.key.alsoFailed.join(', '))}` : ''}`, attemptsTable(o));
  }
  if (notes.length > 0) parts.push(notes.map((n) => `- ${text(n)}`).join('\n'));
  return cap(`${parts.join('\n\n')}\n`, 1_000_000, { unit: 'bytes' });
}
