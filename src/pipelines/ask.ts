// The ask pipeline: policy, the checkout's credentials out, then a question answered from the code with checked
// permalinks. From a mention the answer is the progress comment; from workflow_dispatch it is in the job summary.
import { modelFromSettings } from '../agent/model.js';
import { stripCredentials } from '../delivery/credentials.js';
import { Git } from '../delivery/git.js';
import { answerQuestion, type AskResult } from '../engine/ask.js';
import { endEarly } from '../engine/finish.js';
import { runUrl } from '../github/context.js';
import { checkPolicy } from '../github/policy.js';
import { renderAnswer, renderOutcome } from '../report/comment.js';
import { renderSummary } from '../report/summary.js';
import type { Report } from '../report/types.js';
import { childEnv } from '../safety/env.js';
import { killAllRunning } from '../testing/process.js';
import { errorMessage } from '../util/errors.js';
import type { Sandbox } from '../safety/sandbox.js';
import { openRunSandbox, secretsOf } from './agent.js';
import { runMention } from './mention.js';
import type { ActionRun } from './types.js';

export async function askPipeline(r: ActionRun): Promise<Report> {
  const { settings, ctx, host, gate } = r;
  const early = (status: Report['status'], reason: string) =>
    endEarly(host, gate.redact, { mode: 'ask', status, reason, evidenceDir: r.evidenceDir, startedAt: r.startedAt });
  if (ctx.mention) {
    return runMention(r, async (run, m) => {
      const result = await ask(run, m.prompt);
      const link = runUrl(run.ctx);
      const { report } = result;
      const comment =
        report.status === 'answered'
          ? renderAnswer(
              {
                text: report.answer ?? '',
                author: m.mention.author.login,
                sha: report.source?.sha ?? '',
                links: result.links,
                turns: report.usage.turns,
                testRuns: report.runs.length,
                undone: result.undone,
              },
              link,
            )
          : renderOutcome(report, link);
      return { report, comment };
    });
  }
  const policy = await checkPolicy({ ctx, allowForks: settings.allowForks, branchPrefix: settings.branchPrefix, triggerPhrase: settings.triggerPhrase, api: r.api });
  if (!policy.run) {
    host.log.info(`Skipped: ${policy.reason}`);
    return early('skipped', policy.reason);
  }
  if (!settings.prompt) return early('error', 'Ask mode needs the question in the prompt input.');
  return (await ask(r, settings.prompt)).report;
}

async function ask(r: ActionRun, question: string): Promise<AskResult> {
  const { settings, ctx, host, gate } = r;
  const git = new Git(settings.workingDirectory);
  const stripped = await stripCredentials(git);
  let sandbox: Sandbox | undefined;
  try {
    for (const secret of stripped.found) gate.add(secret);
    const repoRoot = (await git.exec(['rev-parse', '--show-toplevel'])).stdout.trim();
    sandbox = await openRunSandbox(r, repoRoot);
    const sha = (await git.exec(['rev-parse', 'HEAD'])).stdout.trim();
    const repo = `${ctx.repo.owner}/${ctx.repo.repo}`;
    // On a pull request's head the instructions files are the author's to change: take them from the base branch.
    const prBase = ctx.pullRequest?.baseRef;
    const model = modelFromSettings(settings, (line) => host.log.info(line));
    const result = await answerQuestion(
      {
        settings,
        question,
        repoRoot,
        workDir: settings.workingDirectory,
        sha,
        base: { serverUrl: ctx.serverUrl, repo, sha },
        childEnv: childEnv(process.env, { withhold: settings.secretEnv, secrets: secretsOf(settings, stripped.found) }),
        gate,
        evidenceDir: r.evidenceDir,
        startedAt: r.startedAt,
        source: { repo, sha, runUrl: runUrl(ctx) },
        ...(prBase ? { readInstructions: (p: string) => r.api.fileAt(p, prBase).catch(() => undefined) } : {}),
      },
      host,
      model,
    );
    result.report.notes.push(...sandbox.notes);
    await host.writeSummary(gate.redact(renderSummary(result.report)));
    return result;
  } finally {
    killAllRunning();
    await sandbox?.close().catch((e: unknown) => host.log.warn(`Could not take the sandbox down: ${errorMessage(e)}`));
    await stripped.restore().catch((e: unknown) => host.log.warn(`Could not restore .git/config: ${errorMessage(e)}`));
  }
}
