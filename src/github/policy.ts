// Who may make redgreen run what: refuses fork code, actors without write access and its own branches, before any model request.
import { failingTarget, isFork, type RunContext } from './context.js';

export interface PolicyInput {
  ctx: RunContext;
  allowForks: boolean;
  branchPrefix: string;
  api?: { permission(user: string): Promise<string> };
}

export type PolicyDecision = { run: true } | { run: false; reason: string };

const writeRoles = new Set(['admin', 'maintain', 'write']);

export async function checkPolicy(input: PolicyInput): Promise<PolicyDecision> {
  const { ctx, allowForks, branchPrefix } = input;
  const repoName = `${ctx.repo.owner}/${ctx.repo.repo}`;

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
 * The people whose access decides: whoever started this run, and, for workflow_run, whoever started the failed run.
 * Scheduled runs (directly or behind a workflow_run) have no one behind them and run the default branch's own code.
 */
export function actorsToCheck(ctx: RunContext): string[] {
  if (ctx.eventName === 'schedule') return [];
  if (ctx.workflowRun?.event === 'schedule') return [];
  const actors = [ctx.triggeringActor ?? ctx.actor, ctx.workflowRun?.actor];
  return [...new Set(actors.filter((a): a is string => Boolean(a)))];
}

function forkName(ctx: RunContext): string {
  const name = ctx.workflowRun?.isFork ? ctx.workflowRun.headRepoFullName : ctx.pullRequest?.headRepoFullName;
  return name || 'a deleted fork';
}

function refuse(reason: string): PolicyDecision {
  return { run: false, reason };
}
