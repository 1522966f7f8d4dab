// A run called by a mention: the checks that need no API call, the pull request resolved and its head pinned, policy,
// progress in the thread, then the mode's own job; the progress comment ends holding the outcome.
import { mentionPrompt } from '../action/mention.js';
import { progressHost, startProgress, type Progress } from '../action/progress.js';
import { checkoutPinned } from '../delivery/checkout.js';
import { Git } from '../delivery/git.js';
import { endEarly } from '../engine/finish.js';
import { createCommentsApi, type CommentsApi, type ThreadComment } from '../github/comments.js';
import { runUrl, type PullRequestInfo } from '../github/context.js';
import { mentionIntent, neutralize, type MentionEvent, type MentionIntent } from '../github/mention.js';
import { checkMention, checkPolicy } from '../github/policy.js';
import { renderFailure } from '../report/comment.js';
import type { Report } from '../report/types.js';
import { errorMessage } from '../util/errors.js';
import type { ActionRun } from './types.js';

export interface MentionRun {
  mention: MentionEvent;
  intent: MentionIntent;
  comments: CommentsApi;
  /** The pull request the mention is on, its head pinned and checked out. */
  pull?: PullRequestInfo & { title: string; body: string };
  /** The request with the thread quoted around it, for the model; `subject` is its one-line form. */
  prompt: string;
  subject: string;
  progress: Progress;
  /** Everything posted in the thread goes through this: redaction, and the trigger phrase broken. */
  gate(markdown: string): string;
}

/** The mode's job: returns its report and the markdown the progress comment ends with. */
export type MentionJob = (r: ActionRun, m: MentionRun) => Promise<{ report: Report; comment: string }>;

const Describe: Record<string, string> = { ask: 'a question', fix: 'a fix of the failing tests', task: 'a task' };

export async function runMention(r: ActionRun, job: MentionJob): Promise<Report> {
  const { settings, host, gate } = r;
  const early = (reason: string) => {
    host.log.info(`Skipped: ${reason}`);
    return endEarly(host, gate.redact, { mode: r.mode, status: 'skipped', reason, evidenceDir: r.evidenceDir, startedAt: r.startedAt });
  };
  // Most comments do not call redgreen: they end here, before any API call.
  const cheap = checkMention(r.ctx, settings.triggerPhrase);
  if (!cheap.run) return early(cheap.reason);
  const mention = r.ctx.mention!;
  const intent = mentionIntent(mention, settings.triggerPhrase) ?? { mode: 'task', request: '' };
  const comments = createCommentsApi({ token: settings.githubToken, apiUrl: r.ctx.apiUrl, repo: r.ctx.repo });

  // An issue_comment carries no head: resolve it once and pin it, whatever is pushed while the run goes on.
  const pull = mention.isPullRequest ? await comments.pullRequest(mention.number) : undefined;
  const ctx = pull ? { ...r.ctx, pullRequest: pull } : r.ctx;
  const policy = await checkPolicy({ ctx, allowForks: settings.allowForks, branchPrefix: settings.branchPrefix, triggerPhrase: settings.triggerPhrase, api: r.api });
  if (!policy.run) return early(policy.reason);

  // The exit gate first, then the phrase broken: nothing redgreen posts can call it again.
  const toThread = (markdown: string) => neutralize(gate.redact(markdown), settings.triggerPhrase);
  const link = runUrl(ctx);
  const progress = await startProgress({ api: comments, mention, runUrl: link, what: Describe[r.mode] ?? r.mode, gate: toThread, log: host.log });
  const hosted = progressHost(host, progress);
  try {
    if (pull) {
      const git = new Git(settings.workingDirectory);
      await hosted.log.group('Check out', () =>
        checkoutPinned(git, {
          sha: pull.headSha,
          remote: 'origin',
          refs: [`refs/pull/${pull.number}/head`, ...(pull.isFork ? [] : [`refs/heads/${pull.headRef}`])],
          auth: settings.githubToken ? { token: settings.githubToken, serverUrl: ctx.serverUrl } : undefined,
        }),
      );
      host.log.info(`Checked out the head of #${pull.number} at ${pull.headSha.slice(0, 7)} (${pull.headRef}).`);
    }
    const earlier = mention.kind === 'issue' ? [] : await comments.issueComments(mention.number).catch((e: unknown): ThreadComment[] => {
      host.log.warn(`Could not read the earlier comments: ${errorMessage(e)}`);
      return [];
    });
    const { prompt, subject } = mentionPrompt({ mention, intent, earlier, ...(pull ? { pull: { title: pull.title, body: pull.body } } : {}) });
    const { report, comment } = await job({ ...r, ctx, host: hosted }, { mention, intent, comments, pull, prompt, subject, progress, gate: toThread });
    await progress.finish(comment);
    return report;
  } catch (e) {
    await progress.finish(renderFailure(gate.redact(errorMessage(e)), link));
    throw e;
  }
}
