// Renders the report rows as the job summary and the PR body, each held under GitHub's size limit.
import type { TestFailure } from '../testing/types.js';
import { cap, code, codeBlock, details, shorten, table, text } from './markdown.js';
import {
  changeRows,
  coverageRows,
  evidenceRows,
  failingRows,
  formatCost,
  formatCount,
  formatDelta,
  formatDuration,
  formatPercent,
  statusLine,
  usageFacts,
  type AfterState,
  type EvidenceRow,
} from './rows.js';
import type { Report } from './types.js';

export { renderTerminal } from './terminal.js';

interface Limits {
  tests: number;
  runs: number;
  files: number;
  messages: number;
  messageChars: number;
  size: number;
  unit: 'bytes' | 'chars';
}

/** GitHub drops a step summary over 1 MiB (1,048,576 bytes); keep room for anything appended after us. */
export const SummaryLimit = 1_000_000;
export const PrBodyLimit = 59_000;

const ForSummary: Limits = { tests: 200, runs: 400, files: 300, messages: 20, messageChars: 3000, size: SummaryLimit, unit: 'bytes' };
const ForPr: Limits = { tests: 50, runs: 60, files: 100, messages: 5, messageChars: 1500, size: PrBodyLimit, unit: 'chars' };

export function renderSummary(report: Report): string {
  const s = statusLine(report);
  const head = [`## ${s.icon} redgreen: ${s.label}`, text(s.reason)];
  return render(report, ForSummary, head, true);
}

export function renderPrBody(report: Report): string {
  const s = statusLine(report);
  const head = [`### ${s.icon} ${s.label}: ${text(s.reason)}`];
  // GitHub closes the issue when the pull request is merged.
  if (report.closes !== undefined) head.push(`Closes #${report.closes}`);
  return render(report, ForPr, head, false);
}

function render(report: Report, limits: Limits, head: string[], withPrLink: boolean): string {
  const sections = [
    ...head,
    subject(report),
    foundSection(report),

    // The answer is what the reader came for; the model's own markdown, its links already checked.
    report.answer ? `### Answer\n\n${report.answer}` : undefined,
    failingSection(report, limits),
    flakySection(report, limits),
    evidenceSection(report, limits),
    changesSection(report, limits),
    coverageSection(report, limits),
    usageSection(report),
    linksSection(report, withPrLink),
    notesSection(report),
  ].filter((s): s is string => Boolean(s));
  const body = `${sections.join('\n\n')}\n`;
  const where = limits.unit === 'bytes' ? 'GitHub’s 1 MiB summary limit' : 'GitHub’s size limit for a PR body';
  return cap(body, limits.size, {
    unit: limits.unit,
    marker: `\n_Cut here to stay under ${where}; the full report is report.json in the evidence artifact._\n`,
  });
}

function subject(report: Report): string {
  const lines: string[] = [];
  const src = report.source;
  const at = src?.repo || src?.sha ? ` at ${code(`${src.repo ?? ''}${src.sha ? `@${src.sha.slice(0, 7)}` : ''}`)}` : '';
  const run = src?.runUrl ? ` ([run](${src.runUrl}))` : '';
  if (report.mode === 'fix') lines.push(`**Fix** of the failing check${at}${src?.ref ? ` on ${code(src.ref)}` : ''}${run}.`);
  if (report.mode === 'coverage') lines.push(`**Coverage** run${at}${src?.ref ? ` on ${code(src.ref)}` : ''}${run}.`);
  if (report.mode === 'task') lines.push(`**Task**${at}${run}:`);
  if (report.mode === 'ask') lines.push(`**Question**${at}${run}:`);
  if (report.prompt) {
    if (report.mode !== 'task' && report.mode !== 'ask') lines.push('Instructions:');
    const quoted = shortText(report.prompt, 2000)
      .split('\n')
      .map((l) => `> ${text(l)}`)
      .join('\n');
    lines.push(quoted);
  }
  if (report.testCommand) {
    const found = report.commandSource ? ` (found from: ${text(report.commandSource)})` : '';
    lines.push(`Test command: ${code(shorten(report.testCommand, 200))}${found}`);
  }
  return lines.join('\n\n');
}

/** What was read from the failed run: the command, where it came from, where it ran, the setup repeated and what was not. */
function foundSection(report: Report): string | undefined {
  const f = report.found;
  if (!f) return undefined;
  const setup = f.setup.length ? f.setup.map((s) => code(shorten(s, 120))).join(', ') : 'none';
  const rows = [
    ['Command', code(shorten(report.testCommand ?? '', 300))],
    ['From', `step ${code(shorten(f.step, 150))} of job ${code(shorten(f.job, 150))} in ${code(shorten(f.workflow, 200))}`],
    ['Working directory', code(f.workingDirectory)],
    ['Setup steps run', setup],
  ];
  const parts = ['### What was found in the failed run', table(['', ''], rows)];
  if (f.notRepeated.length) parts.push(['Not repeated here:', ...f.notRepeated.map((n) => `- ${text(shortText(n, 500))}`)].join('\n'));
  if (f.unknown.length) parts.push(`Left empty in the setup steps (only the runner knows them): ${f.unknown.map((u) => code(u)).join(', ')}.`);
  return parts.join('\n\n');
}

const AfterIcon: Record<AfterState, string> = { passed: '✅ passed', failed: '❌ failed', 'not rerun': '➖ not rerun' };

function failingSection(report: Report, limits: Limits): string | undefined {
  const rows = failingRows(report);
  if (rows.length === 0) return failureLinesSection(report);
  const shown = rows.slice(0, limits.tests).map((r) => [testCell(r.test, r.file), '❌ failed', AfterIcon[r.after]]);
  if (rows.length > shown.length) shown.push([`… ${rows.length - shown.length} more`, '', '']);
  const parts = [`### Failing tests: before → after`, table(['Test', 'Before', 'After'], shown)];
  const messages = messagesBlock(report.failingBefore, limits);
  if (messages) parts.push(messages);
  return parts.join('\n\n');
}

/** A runner whose output names no tests: the lines of the first red run that report failures. */
function failureLinesSection(report: Report): string | undefined {
  const lines = report.runs.find((r) => !r.ok && r.parsed.failureLines?.length)?.parsed.failureLines;
  if (!lines) return undefined;
  return ['### What failed at the start', 'The output names no tests; these are the lines that report failures:', codeBlock(lines.join('\n'))].join('\n\n');
}

function messagesBlock(failures: TestFailure[], limits: Limits): string | undefined {
  const withText = failures.filter((f) => f.message.trim() || f.frames.length);
  if (withText.length === 0) return undefined;
  const blocks = withText.slice(0, limits.messages).map((f) => {
    const body = [f.message, ...f.frames].join('\n');
    return `${code(shorten(f.name, 200))}\n\n${codeBlock(shortText(body, limits.messageChars))}`;
  });
  if (withText.length > blocks.length) blocks.push(`… and ${withText.length - blocks.length} more in report.json.`);
  return details('Failure messages at the start', blocks.join('\n\n'));
}

function flakySection(report: Report, limits: Limits): string | undefined {
  if (report.flipping.length === 0) return undefined;
  const shown = report.flipping.slice(0, limits.tests).map((t) => `- ${testCell(t.name, t.file)}`);
  if (report.flipping.length > shown.length) shown.push(`- … ${report.flipping.length - shown.length} more`);
  return [`### Tests that both failed and passed here`, shown.join('\n')].join('\n\n');
}

const GreenByText: Record<NonNullable<Report['greenBy']>, string> = {
  'test names': 'Green decided by **test names**: the tests that failed at the start must be seen passing, in the same files under the same names.',
  counts: 'Green decided by **counts**: the output names no passing tests, so as many had to pass as ran at the start, and no test could be removed or skipped.',
  'exit code': 'Green decided by the **exit code** only: the output names no tests to compare',
};

function greenByLine(report: Report): string[] {
  if (!report.greenBy) return [];
  // In fix mode a change that removes or disables tests is refused where names cannot decide.
  const refusal = report.greenBy === 'exit code' ? (report.mode === 'fix' ? ', so changes that remove or disable tests were refused.' : '.') : '';
  return [GreenByText[report.greenBy] + refusal];
}

const ResultIcon: Record<EvidenceRow['result'], string> = { passed: '✅', failed: '❌', 'timed out': '⏱️' };

function evidenceSection(report: Report, limits: Limits): string | undefined {
  const rows = evidenceRows(report);
  if (rows.length === 0) return undefined;
  const cells = (r: EvidenceRow) => [
    String(r.index),
    r.phase,
    code(shorten(r.command, 60)),
    r.scope,
    `${ResultIcon[r.result]} ${r.resultText}`,
    formatCount(r.passed),
    formatCount(r.failed),
    formatDuration(r.durationMs),
  ];
  let body: string[][];
  if (rows.length <= limits.runs) body = rows.map(cells);
  else {
    // The first runs show the reproduction and the last ones the verification: keep both ends.
    const first = Math.min(10, Math.floor(limits.runs / 4));
    const last = limits.runs - first;
    const hidden = rows.length - first - last;
    body = [
      ...rows.slice(0, first).map(cells),
      ['…', '', `${hidden.toLocaleString('en-US')} runs not shown (all are in report.json)`, '', '', '', '', ''],
      ...rows.slice(-last).map(cells),
    ];
  }
  const n = rows.length;
  return [
    `### Evidence: ${n.toLocaleString('en-US')} test run${n === 1 ? '' : 's'}`,
    ...greenByLine(report),
    table(['#', 'Phase', 'Command', 'Scope', 'Result', 'Passed', 'Failed', 'Duration'], body, [
      'right',
      'left',
      'left',
      'left',
      'left',
      'right',
      'right',
      'right',
    ]),
  ].join('\n\n');
}

function changesSection(report: Report, limits: Limits): string | undefined {
  const rows = changeRows(report);
  if (rows.length === 0) return undefined;
  const body = rows.slice(0, limits.files).map((c) => [code(shorten(c.path, 150)), `+${c.added}`, `−${c.removed}`]);
  if (rows.length > body.length) body.push([`… ${rows.length - body.length} more`, '', '']);
  const added = rows.reduce((n, c) => n + c.added, 0);
  const removed = rows.reduce((n, c) => n + c.removed, 0);
  body.push([`**${rows.length} file${rows.length === 1 ? '' : 's'}**`, `**+${added}**`, `**−${removed}**`]);
  return ['### Files changed', table(['File', '+', '−'], body, ['left', 'right', 'right'])].join('\n\n');
}

function coverageSection(report: Report, limits: Limits): string | undefined {
  const cov = report.coverage;
  if (!cov) return undefined;
  const parts = [
    '### Coverage',
    `Line coverage: **${formatPercent(cov.before)} → ${formatPercent(cov.after)}** (${formatDelta(cov.after - cov.before)} points)`,
  ];
  const rows = coverageRows(report);
  if (rows.length) {
    const body = rows
      .slice(0, limits.files)
      .map((r) => [code(shorten(r.path, 150)), formatPercent(r.before), formatPercent(r.after), formatDelta(r.delta)]);
    if (rows.length > body.length) body.push([`… ${rows.length - body.length} more`, '', '', '']);
    parts.push(table(['File', 'Before', 'After', 'Δ'], body, ['left', 'right', 'right', 'right']));
  }
  return parts.join('\n\n');
}

function usageSection(report: Report): string {
  const u = usageFacts(report);
  if (u.turns === 0 && u.totalTokens === 0) return '### Model\n\nNo model requests were made.';
  return [
    '### Model',
    table(
      ['Turns', 'Prompt tokens', 'Cached', 'Completion tokens', 'Reasoning', 'Cost'],
      [[u.turns, u.promptTokens, u.cachedTokens, u.completionTokens, u.reasoningTokens].map(formatCount).concat(formatCost(u.costUsd))],
      ['right', 'right', 'right', 'right', 'right', 'right'],
    ),
  ].join('\n\n');
}

function linksSection(report: Report, withPrLink: boolean): string | undefined {
  const links: string[] = [];
  if (withPrLink && report.prUrl) links.push(`- Pull request: ${report.prUrl}`);
  if (report.branch) links.push(`- Branch: ${code(report.branch)}`);
  if (report.artifactUrl) links.push(`- Evidence (logs, transcript, patch, JUnit): [artifact](${report.artifactUrl})`);
  else links.push(`- Evidence folder on the runner: ${code(report.evidenceDir)}`);
  if (report.durationMs > 0) links.push(`- Took ${formatDuration(report.durationMs)}`);
  return links.length ? links.join('\n') : undefined;
}

function notesSection(report: Report): string | undefined {
  if (report.notes.length === 0) return undefined;
  return ['### Notes', report.notes.map((n) => `- ${text(shortText(n, 500)).replace(/\n/g, ' ')}`).join('\n')].join('\n\n');
}

function testCell(name: string, file?: string): string {
  return `${code(shorten(name, 200))}${file ? ` <sub>${text(shorten(file, 120))}</sub>` : ''}`;
}

function shortText(value: string, max: number): string {
  if (value.length <= max) return value;
  return `${value.slice(0, max)}\n… ${(value.length - max).toLocaleString('en-US')} more characters`;
}
