// From a mention to what the model is asked: the checked user's own words as the instruction, everything else in the
// thread (titles, bodies and comments by others) as quoted material it must not take orders from.
import { quoted } from '../agent/prompt.js';
import type { ThreadComment } from '../github/comments.js';
import { hasOwnMarker, type MentionEvent, type MentionIntent } from '../github/mention.js';

const MAX_COMMENTS = 20;
const MAX_QUOTE_CHARS = 4000;

export interface MentionThread {
  mention: MentionEvent;
  intent: MentionIntent;
  /** The pull request's title and body, when the mention is on one (an issue_comment payload lacks its body). */
  pull?: { title: string; body: string; author?: string };
  /** The conversation before the triggering comment. */
  earlier: ThreadComment[];
}

function clip(text: string): string {
  return text.length > MAX_QUOTE_CHARS ? `${text.slice(0, MAX_QUOTE_CHARS)}\n[… ${text.length - MAX_QUOTE_CHARS} more characters]` : text;
}

/** The one-line subject (PR title, branch name) and the full prompt for the model. */
export function mentionPrompt(t: MentionThread): { subject: string; prompt: string } {
  const m = t.mention;
  const where = `${m.isPullRequest ? 'pull request' : 'issue'} #${m.number}`;
  const request = t.intent.request.trim();
  const ownIssue = m.kind === 'issue';
  const subject = (request.split('\n')[0] || (ownIssue ? m.title : '') || `${t.intent.mode} on ${where}`).slice(0, 120);

  const parts = [request || (t.intent.mode === 'fix' ? 'Fix the failing tests.' : `Work on ${where}.`)];
  parts.push(
    ownIssue
      ? `This request is the body of ${where}, opened by @${m.author.login}, who has write access.`
      : `This request is from @${m.author.login}, who has write access, in a comment on ${where}.`,
  );
  const title = t.pull?.title ?? m.title;
  const body = t.pull?.body ?? m.body;
  const bodyAuthor = t.pull?.author ?? m.bodyAuthor;
  // A new issue's title and body are the request itself; on a comment they are someone's material.
  if (ownIssue) {
    if (m.title) parts.push(`The issue's title: ${m.title}`);
  } else if (title || body) {
    parts.push(quoted(`${where}: title and description by @${bodyAuthor || 'unknown'}`, clip(`${title}\n\n${body}`.trim())));
  }
  const earlier = t.earlier.filter((c) => c.id !== m.commentId && !hasOwnMarker(c.body)).slice(-MAX_COMMENTS);
  if (earlier.length) {
    parts.push(quoted(`earlier comments on ${where}`, earlier.map((c) => `@${c.author}:\n${clip(c.body)}`).join('\n\n---\n\n')));
  }
  return { subject, prompt: parts.join('\n\n') };
}
