// Mentions: the comment (or new issue) that calls redgreen, who wrote it, the trigger phrase in it, and what it asks for.
import type { EventPayload } from './event.js';

/** The events a mention can come from, by their GitHub names. */
export const MentionEvents = ['issue_comment', 'pull_request_review_comment', 'issues'] as const;

/** A comment (or a new issue) that may call redgreen by its trigger phrase. */
export interface MentionEvent {
  kind: 'issue-comment' | 'review-comment' | 'issue';
  /** `created` for comments, `opened` for issues; other actions (edits, deletions) never trigger. */
  action: string;
  /** The issue or pull request. */
  number: number;
  isPullRequest: boolean;
  /** The text that may hold the trigger: the comment, or for a new issue its body. */
  text: string;
  author: { login: string; isBot: boolean };
  /** The triggering comment; absent for a new issue. */
  commentId?: number;
  /** A review comment's thread (its first comment), where replies go. */
  threadId?: number;
  /** The issue's or pull request's title and body, and who wrote them: quoted material, never instructions. */
  title: string;
  body: string;
  bodyAuthor: string;
  /** The file a review comment is on. */
  path?: string;
}

function isBot(user: { login?: string | null; type?: string | null } | null | undefined): boolean {
  return user?.type === 'Bot' || Boolean(user?.login?.endsWith('[bot]'));
}

export function toMention(eventName: string, payload: EventPayload): MentionEvent | undefined {
  const action = payload.action ?? '';
  if (eventName === 'issues' && payload.issue?.number) {
    const issue = payload.issue;
    return {
      kind: 'issue',
      action,
      number: issue.number!,
      isPullRequest: false,
      text: issue.body ?? '',
      author: { login: issue.user?.login ?? '', isBot: isBot(issue.user) },
      title: issue.title ?? '',
      body: issue.body ?? '',
      bodyAuthor: issue.user?.login ?? '',
    };
  }
  const comment = payload.comment;
  if (!comment?.id) return undefined;
  const author = { login: comment.user?.login ?? '', isBot: isBot(comment.user) };
  if (eventName === 'issue_comment' && payload.issue?.number) {
    const issue = payload.issue;
    return {
      kind: 'issue-comment',
      action,
      number: issue.number!,
      isPullRequest: Boolean(issue.pull_request),
      text: comment.body ?? '',
      author,
      commentId: comment.id,
      title: issue.title ?? '',
      body: issue.body ?? '',
      bodyAuthor: issue.user?.login ?? '',
    };
  }
  if (eventName === 'pull_request_review_comment' && payload.pull_request?.number) {
    const pr = payload.pull_request;
    const m: MentionEvent = {
      kind: 'review-comment',
      action,
      number: pr.number!,
      isPullRequest: true,
      text: comment.body ?? '',
      author,
      commentId: comment.id,
      // GitHub takes replies on the thread's first comment only.
      threadId: comment.in_reply_to_id ?? comment.id,
      title: pr.title ?? '',
      body: pr.body ?? '',
      bodyAuthor: pr.user?.login ?? '',
    };
    if (comment.path) m.path = comment.path;
    return m;
  }
  return undefined;
}


/** Opens every comment redgreen posts, so none of them can ever start a run. */
export const MentionMarker = '<!-- redgreen:mention -->';
const anyOwnMarker = /<!--\s*redgreen:/i;

export type MentionMode = 'ask' | 'fix' | 'task';

export interface MentionIntent {
  mode: MentionMode;
  /** The instruction: what the user wrote, without the trigger phrase and the mode word. */
  request: string;
}

/** True when the text carries one of redgreen's hidden markers (it was posted by redgreen). */
export function hasOwnMarker(text: string): boolean {
  return anyOwnMarker.test(text);
}

/** Code and quoted lines are someone showing the phrase, not calling it. */
function callableText(text: string): string {
  return text
    .replace(/```[\s\S]*?(```|$)/g, ' ')
    .replace(/`[^`\n]*`/g, ' ')
    .split('\n')
    .filter((line) => !/^\s*>/.test(line))
    .join('\n');
}

function phrasePattern(phrase: string, flags = 'i'): RegExp {
  const escaped = phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // A word of its own: not inside an e-mail address, a path or a longer name (`@redgreen-bot`, `me@redgreen.io`).
  return new RegExp(`(?<![\\w@./-])${escaped}(?![\\w-]|\\.\\w)`, flags);
}

function splitAtTrigger(text: string, phrase: string): { before: string; after: string } | undefined {
  if (!phrase) return undefined;
  const callable = callableText(text);
  const match = phrasePattern(phrase).exec(callable);
  if (!match) return undefined;
  return { before: callable.slice(0, match.index).trim(), after: callable.slice(match.index + match[0].length).trim() };
}

/** The words after the trigger phrase (or before it, when it ends the text); undefined when the phrase is not there as a word of its own. */
export function findTrigger(text: string, phrase: string): string | undefined {
  const split = splitAtTrigger(text, phrase);
  return split && (split.after || split.before);
}

/** What a mention asks for: `ask` → a question; `fix` on a pull request → fix mode; anything else → a task. */
export function mentionIntent(mention: MentionEvent, phrase: string): MentionIntent | undefined {
  const split = splitAtTrigger(mention.text, phrase);
  if (!split) return undefined;
  const m = /^(ask|fix)\b[\s:,-]*/i.exec(split.after);
  const word = m?.[1]?.toLowerCase();
  // "Why does X fail? @redgreen ask": with nothing after the mode word, the words before the phrase are the request.
  const rest = (m ? split.after.slice(m[0].length).trim() : split.after) || split.before;
  if (word === 'ask') return { mode: 'ask', request: rest };
  if (word === 'fix' && mention.isPullRequest) return { mode: 'fix', request: rest };
  return { mode: 'task', request: split.after || split.before };
}

/** redgreen's own text never repeats the phrase: a zero-width space after its first character breaks the match. */
export function neutralize(text: string, phrase: string): string {
  if (phrase.length < 2) return text;
  return text.replace(phrasePattern(phrase, 'gi'), (hit) => `${hit[0]}\u200b${hit.slice(1)}`);
}
