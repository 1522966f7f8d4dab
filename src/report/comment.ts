// What the progress comment ends holding: the outcome of a fix or task (status, PR link, evidence), the answer to a
// question, or why the run failed. Plain markdown; the caller passes it through the exit gate.
import { cap, code, text } from './markdown.js';
import type { CheckedLink } from './permalinks.js';
import { renderPrBody } from './summary.js';
import type { Report } from './types.js';

/** GitHub rejects comments over 65,536 characters. */
const CommentLimit = 60_000;

function fit(markdown: string): string {
  return cap(markdown, CommentLimit, { unit: 'chars', marker: '\n\n_Cut to fit GitHub’s comment size limit; the full report is in the job summary._\n' });
}

export function renderOutcome(report: Report, runUrl: string): string {
  const lines: string[] = [];
  if (report.prUrl) lines.push(`**Pull request:** ${report.prUrl}`);
  else if (report.branch) lines.push(`**Branch:** ${code(report.branch)}`);
  lines.push(renderPrBody(report).trim(), `[The run](${runUrl}) has the job summary and the evidence.`);
  return fit(lines.join('\n\n'));
}

export interface Answer {
  /** The model's answer, its permalinks checked. */
  text: string;
  author: string;
  /** The commit the answer was read from. */
  sha: string;
  links: CheckedLink[];
  turns: number;
  testRuns: number;
  /** Files a command changed, which were put back. */
  undone: string[];
}

export function renderAnswer(a: Answer, runUrl: string): string {
  const facts = [
    `read at ${code(a.sha.slice(0, 7))}`,
    `${a.turns} model turn${a.turns === 1 ? '' : 's'}`,
    ...(a.testRuns ? [`${a.testRuns} test run${a.testRuns === 1 ? '' : 's'}`] : []),
    'nothing changed or pushed',
  ];
  const fixed = a.links.filter((l) => l.why);
  const notes = fixed.map((l) => `- ${text(l.posted ? `A link was corrected: ${l.why}.` : `A link was removed: ${l.why}.`)}`);
  if (a.undone.length) notes.push(`- ${text(`Commands changed ${a.undone.join(', ')}; the changes were undone.`)}`);
  return fit(
    [
      `💬 **Answer** for @${a.author}`,
      a.text.trim() || '_The model gave no answer._',
      ...(notes.length ? [notes.join('\n')] : []),
      `<sub>${facts.join(' · ')} · [the run](${runUrl})</sub>`,
    ].join('\n\n'),
  );
}

export function renderFailure(reason: string, runUrl: string): string {
  return `### ❌ error: ${text(reason)}\n\n[The run](${runUrl}) has the log and the job summary.`;
}
