// The evidence table as plain aligned text, for the CLI's closing lines.
import { shorten } from './markdown.js';
import { changeRows, evidenceRows, failingRows, formatCount, formatDuration, statusLine, usageFacts, formatCost } from './rows.js';
import type { Report } from './types.js';

export function renderTerminal(report: Report): string {
  const s = statusLine(report);
  const out: string[] = [`redgreen: ${s.label} - ${s.reason}`];

  const runs = evidenceRows(report);
  if (runs.length) {
    out.push('');
    out.push(
      ...align(
        ['#', 'phase', 'scope', 'result', 'passed', 'failed', 'duration', 'command'],
        runs.map((r) => [
          String(r.index),
          r.phase,
          r.scope,
          r.resultText,
          formatCount(r.passed),
          formatCount(r.failed),
          formatDuration(r.durationMs),
          shorten(r.command, 60),
        ]),
        new Set([0, 4, 5, 6]),
      ),
    );
  }

  const failing = failingRows(report);
  if (failing.length) {
    out.push('', 'failing tests: before -> after');
    for (const f of failing) out.push(`  ${shorten(f.test, 100)}: failed -> ${f.after}`);
  }

  const changes = changeRows(report);
  if (changes.length) {
    out.push('', 'files changed:');
    for (const c of changes) out.push(`  ${c.path} +${c.added} -${c.removed}`);
  }

  const u = usageFacts(report);
  if (u.turns > 0) {
    out.push('', `model: ${u.turns} turns, ${formatCount(u.totalTokens)} tokens, cost ${formatCost(u.costUsd)}`);
  }
  if (report.branch) out.push(`branch: ${report.branch}`);
  if (report.prUrl) out.push(`pull request: ${report.prUrl}`);
  out.push(`evidence: ${report.artifactUrl ?? report.evidenceDir}`);
  return `${out.join('\n')}\n`;
}

/** Pads every column to its widest cell; `right` holds the indexes of numeric columns. */
function align(headers: string[], rows: string[][], right: Set<number>): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : right.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}
