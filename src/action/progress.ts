// Progress in the thread that called redgreen: an 👀 reaction, then one comment edited in place as the run moves
// through its stages, which at the end holds the outcome (or the answer). Best effort: a failed edit only warns.
import type { CommentPlace, CommentsApi, PostedComment, ReactionTarget } from '../github/comments.js';
import { MentionMarker, type MentionEvent } from '../github/mention.js';
import type { Host } from '../host.js';
import { errorMessage } from '../util/errors.js';

export interface Progress {
  /** The stage now running (a log group's name); the comment lists the ones passed. */
  stage(name: string): void;
  /** Replaces the comment's text with the outcome; posts it when the first comment could not be posted. */
  finish(markdown: string): Promise<string | undefined>;
}

export interface ProgressOptions {
  api: CommentsApi;
  mention: MentionEvent;
  runUrl: string;
  /** What runs, for the first line ("a task", "a fix of the pull request's head", "a question"). */
  what: string;
  /** Everything posted goes through this (redaction, the trigger phrase broken). */
  gate: (markdown: string) => string;
  log: Host['log'];
}

export function placeOf(m: MentionEvent): CommentPlace {
  return m.kind === 'review-comment' && m.threadId !== undefined
    ? { kind: 'review-thread', pull: m.number, threadId: m.threadId }
    : { kind: 'issue', number: m.number };
}

function reactionTarget(m: MentionEvent): ReactionTarget {
  if (m.commentId === undefined) return { kind: 'issue', number: m.number };
  return { kind: m.kind === 'review-comment' ? 'review-comment' : 'issue-comment', id: m.commentId };
}

export async function startProgress(o: ProgressOptions): Promise<Progress> {
  const { api, log } = o;
  const body = (text: string) => `${MentionMarker}\n${o.gate(text)}`;
  await api.react(reactionTarget(o.mention), 'eyes').catch((e: unknown) => log.warn(`Could not react to the comment: ${errorMessage(e)}`));

  const head = `👀 Working on it: ${o.what} by @${o.mention.author.login}. [Follow the run](${o.runUrl}).`;
  let comment: PostedComment | undefined;
  try {
    comment = await api.post(placeOf(o.mention), body(head));
  } catch (e) {
    log.warn(`Could not post the progress comment: ${errorMessage(e)}`);
  }
  const passed: string[] = [];
  let current: string | undefined;
  // Edits go out one at a time, in order: a slow edit never overwrites a later one.
  let chain: Promise<void> = Promise.resolve();
  const edit = (text: string) => {
    if (!comment) return;
    const target = comment;
    chain = chain.then(() => api.edit(target, body(text)).catch((e: unknown) => log.warn(`Could not update the progress comment: ${errorMessage(e)}`)));
  };

  return {
    stage(name) {
      if (current && !passed.includes(current)) passed.push(current);
      current = name;
      const lines = [...passed.map((s) => `- [x] ${s}`), `- [ ] ${name} ⏳`];
      edit(`${head}\n\n${lines.join('\n')}`);
    },
    async finish(markdown) {
      await chain;
      try {
        if (comment) await api.edit(comment, body(markdown));
        else comment = await api.post(placeOf(o.mention), body(markdown));
        return comment.url;
      } catch (e) {
        log.warn(`Could not post the outcome in the thread: ${errorMessage(e)}`);
        return undefined;
      }
    },
  };
}

/** The same host, with each log group also reported as a stage of the progress comment. */
export function progressHost(host: Host, progress: Progress): Host {
  return {
    ...host,
    log: {
      ...host.log,
      group(name, fn) {
        progress.stage(name);
        return host.log.group(name, fn);
      },
    },
  };
}
