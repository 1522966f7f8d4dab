// Mention events read from real-shaped payloads: who wrote the text, where a reply goes, and the checks that need no API.
import { describe, expect, it } from 'vitest';
import { toMention } from '../../../src/github/mention.js';
import { EventPayload } from '../../../src/github/event.js';
import { checkMention } from '../../../src/github/policy.js';
import type { RunContext } from '../../../src/github/context.js';

const user = (login: string, type = 'User') => ({ login, type });
const issue = { number: 7, title: 'Crash on empty input', body: 'It crashes.', user: user('bob') };

function ctx(eventName: string, payload: unknown): RunContext {
  const mention = toMention(eventName, EventPayload.parse(payload));
  return {
    eventName,
    repo: { owner: 'acme', repo: 'widgets' },
    sha: 'a'.repeat(40),
    ref: 'refs/heads/main',
    actor: 'alice',
    runId: 1,
    runAttempt: 1,
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    ...(mention ? { mention } : {}),
  };
}

describe('toMention', () => {
  it('reads an issue_comment on a pull request: the comment is the text, the PR body is someone else’s', () => {
    const m = ctx('issue_comment', {
      action: 'created',
      issue: { ...issue, pull_request: { url: 'https://api.github.com/repos/acme/widgets/pulls/7' } },
      comment: { id: 55, body: '@redgreen fix', user: user('alice') },
    }).mention;
    expect(m).toMatchObject({ kind: 'issue-comment', number: 7, isPullRequest: true, text: '@redgreen fix', commentId: 55, bodyAuthor: 'bob' });
    expect(m?.author).toEqual({ login: 'alice', isBot: false });
  });

  it('sends replies to a review comment to the first comment of its thread', () => {
    const m = ctx('pull_request_review_comment', {
      action: 'created',
      pull_request: { number: 9, title: 't', body: 'b', user: user('bob'), head: { ref: 'x', sha: 'b'.repeat(40) } },
      comment: { id: 80, in_reply_to_id: 70, body: '@redgreen ask why?', user: user('alice'), path: 'src/a.js' },
    }).mention;
    expect(m).toMatchObject({ kind: 'review-comment', number: 9, commentId: 80, threadId: 70, path: 'src/a.js' });
  });

  it('takes a new issue’s body as the text, and tells bots by type or by login', () => {
    expect(ctx('issues', { action: 'opened', issue: { ...issue, body: '@redgreen add it' } }).mention).toMatchObject({ kind: 'issue', text: '@redgreen add it' });
    expect(ctx('issue_comment', { action: 'created', issue, comment: { id: 1, body: 'x', user: user('renovate', 'Bot') } }).mention?.author.isBot).toBe(true);
    expect(ctx('issue_comment', { action: 'created', issue, comment: { id: 1, body: 'x', user: user('helper[bot]') } }).mention?.author.isBot).toBe(true);
  });
});

describe('checkMention', () => {
  const comment = (body: string, action = 'created', login = 'alice') => ctx('issue_comment', { action, issue, comment: { id: 1, body, user: user(login) } });

  it('lets a new comment with the phrase through, and refuses edits, redgreen’s own text, no phrase and bots', () => {
    expect(checkMention(comment('@redgreen fix'), '@redgreen')).toEqual({ run: true });
    expect(checkMention(comment('@redgreen fix', 'edited'), '@redgreen')).toMatchObject({ run: false, reason: expect.stringMatching(/'edited'/) });
    expect(checkMention(comment('<!-- redgreen:mention -->\n@redgreen fix'), '@redgreen')).toMatchObject({ run: false, reason: expect.stringMatching(/redgreen itself/) });
    expect(checkMention(comment('fix it please'), '@redgreen')).toMatchObject({ run: false, reason: expect.stringMatching(/not in it/) });
    expect(checkMention(comment('@redgreen fix', 'created', 'ci[bot]'), '@redgreen')).toMatchObject({ run: false, reason: expect.stringMatching(/bots never/) });
    // A custom phrase replaces the default one.
    expect(checkMention(comment('/rg fix'), '/rg')).toEqual({ run: true });
  });

  it('does not apply to other events', () => {
    expect(checkMention(ctx('push', {}), '@redgreen')).toEqual({ run: true });
  });
});
