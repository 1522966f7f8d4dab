// The fix, task and coverage pipeline: run policy, the checkout's credentials out, a Job planned from the context, then the engine.
import { planActionJob } from '../action/plan.js';
import { createOpenAIClient, resolveApi } from '../agent/model.js';
import { stripCredentials } from '../delivery/credentials.js';
import { Git } from '../delivery/git.js';
import { endEarly } from '../engine/finish.js';
import { runJob } from '../engine/run.js';
import { checkPolicy } from '../github/policy.js';
import type { Report } from '../report/types.js';
import { childEnv } from '../safety/env.js';
import type { Settings } from '../settings.js';
import { killAllRunning } from '../testing/process.js';
import { errorMessage } from '../util/errors.js';
import type { ActionRun } from './types.js';

export async function agentPipeline(r: ActionRun): Promise<Report> {
  const { settings, ctx, host, gate, mode } = r;
  const early = (status: Report['status'], reason: string): Promise<Report> =>
    endEarly(host, gate.redact, { mode, status, reason, evidenceDir: r.evidenceDir, startedAt: r.startedAt });

  const policy = await checkPolicy({ ctx, allowForks: settings.allowForks, branchPrefix: settings.branchPrefix, api: r.api });
  if (!policy.run) {
    host.log.info(`Skipped: ${policy.reason}`);
    return early('skipped', policy.reason);
  }

  const git = new Git(settings.workingDirectory);
  const stripped = await stripCredentials(git);
  try {
    for (const secret of stripped.found) gate.add(secret);
    if (stripped.removed.length) host.log.info(`Took the persisted credentials out of .git/config for the run: ${stripped.removed.join(', ')}`);

    const plan = await host.log.group('Plan', () => planActionJob(settings, ctx, git, r.api));
    if (plan.kind === 'error') return early('error', plan.reason);
    const { stepEnv, notes, ...job } = plan.job;
    for (const note of notes) host.log.info(`note: ${note}`);
    host.log.info(`mode: ${job.mode}; test command: ${job.testCommand} (${job.commandSource}); branch: ${job.branch}`);
    const model = createOpenAIClient({
      apiKey: settings.apiKey,
      baseUrl: settings.baseUrl,
      model: settings.model,
      api: resolveApi(settings.api, settings.model, settings.baseUrl ?? process.env.OPENAI_BASE_URL),
      reasoningEffort: settings.reasoningEffort || undefined,
      onRetry: (line) => host.log.info(line),
    });
    return await runJob(
      {
        ...job,
        evidenceDir: r.evidenceDir,
        startedAt: r.startedAt,
        gate,
        notes,
        // The runner is the sandbox the action runs in: its model gets the shell.
        offerShell: true,
        childEnv: {
          ...childEnv(process.env, { withhold: settings.secretEnv, secrets: secretsOf(settings, stripped.found) }),
          ...stepEnv,
        },
      },
      host,
      { model },
    );
  } finally {
    // Nothing the run started may outlive it and write into .git/config after it is put back.
    killAllRunning();
    await stripped.restore().catch((e: unknown) => host.log.warn(`Could not restore .git/config: ${errorMessage(e)}`));
  }
}

function secretsOf(settings: Settings, found: string[]): string[] {
  return [settings.apiKey, settings.githubToken, ...found].filter((s) => s.length > 0);
}

