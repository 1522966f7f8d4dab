// Who may make redgreen run what: refuses fork code, actors without write access, its own branches, and comments that do not call it, before any model request.
import { failingTarget, isFork, type RunContext } from './context.js';
import { findTrigger, hasOwnMarker, MentionEvents } from './mention.js';

export interface PolicyInput {
  ctx: RunContext;
  allowForks: boolean;
  branchPrefix: string;
  /** The phrase a comment must hold to start a run (mention events). */
  triggerPhrase?: string;
  api?: { permission(user: string): Promise<string> };
}

export type PolicyDecision = { run: true } | { run: false; reason: string };

const writeRoles = new Set(['admin', 'maintain', 'write']);

export async function checkPolicy(input: PolicyInput): Promise<PolicyDecision> {
  const { ctx, allowForks, branchPrefix } = input;
  const repoName = `${ctx.repo.owner}/${ctx.repo.repo}`;

  const mention = checkMention(ctx, input.triggerPhrase ?? '');
  if (!mention.run) return mention;

  if (isFork(ctx) && !allowForks) {
    return refuse(
      `The failing code comes from the fork ${forkName(ctx)}; redgreen does not run code from forks with ${repoName}'s secrets unless allow-forks is true.`,
    );
  }

  const target = failingTarget(ctx);
  if (branchPrefix && target.branch?.startsWith(branchPrefix)) {
    return refuse(
      `The failing branch ${target.branch} is one of redgreen's own (prefix ${branchPrefix}); fixing it again could start a loop of fixes.`,
    );
  }

  for (const actor of actorsToCheck(ctx)) {
    if (!input.api) return refuse(`No GitHub API client was given to check ${actor}'s access to ${repoName}, so redgreen does not run.`);
    let role: string;
    try {
      role = await input.api.permission(actor);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return refuse(`Could not check ${actor}'s access to ${repoName} (${why}), so redgreen does not run.`);
    }
    if (!writeRoles.has(role)) {
      return refuse(
        `${actor} has ${role} access to ${repoName}; redgreen runs only for actors with write, maintain or admin access.`,
      );
    }
  }
  return { run: true };
}

/**
 * The checks on a comment or new issue that need no API call, so that the many comments which do not call
 * redgreen end at once: an edit or deletion, redgreen's own comment, no trigger phrase, a bot.
 */
export function checkMention(ctx: RunContext, phrase: string): PolicyDecision {
  if (!(MentionEvents as readonly string[]).includes(ctx.eventName)) return { run: true };
  const m = ctx.mention;
  if (!m) return refuse(`The ${ctx.eventName} event carries no comment or issue that redgreen can read.`);
  const what = m.kind === 'issue' ? `issue #${m.number}` : `the comment on #${m.number}`;
  if (m.action !== (m.kind === 'issue' ? 'opened' : 'created')) {
    return refuse(`The ${ctx.eventName} event is '${m.action}'; only new comments and newly opened issues can call redgreen.`);
  }
  if (hasOwnMarker(m.text)) return refuse(`${what} was written by redgreen itself.`);
  if (findTrigger(m.text, phrase) === undefined) return refuse(`${what} does not call redgreen: the trigger phrase ${phrase || '(empty)'} is not in it.`);
  if (m.author.isBot || !m.author.login) {
    return refuse(`${what} is by ${m.author.login || 'an unknown author'}, a bot; bots never call redgreen.`);
  }
  return { run: true };
}

/**
 * The people whose access decides: whoever started this run, and, for workflow_run, whoever started the failed run.
 * Scheduled runs (directly or behind a workflow_run) have no one behind them and run the default branch's own code.
 */
export function actorsToCheck(ctx: RunContext): string[] {
  if (ctx.eventName === 'schedule') return [];
  if (ctx.workflowRun?.event === 'schedule') return [];
  // A mention: whoever wrote the comment (or the issue) must have write access, not only whoever the workflow ran as.
  const actors = [ctx.mention?.author.login, ctx.triggeringActor ?? ctx.actor, ctx.workflowRun?.actor];
  return [...new Set(actors.filter((a): a is string => Boolean(a)))];
}

function forkName(ctx: RunContext): string {
  const name = ctx.workflowRun?.isFork ? ctx.workflowRun.headRepoFullName : ctx.pullRequest?.headRepoFullName;
  return name || 'a deleted fork';
}

function refuse(reason: string): PolicyDecision {
  return { run: false, reason };
}
