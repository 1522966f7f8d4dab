// The fix, task and coverage pipeline: run policy, the checkout's credentials out, a Job planned from the context, then the engine.
// Called by a mention, the same job runs inside the mention's checks and progress comment.
import { planActionJob } from '../action/plan.js';
import { modelFromSettings } from '../agent/model.js';
import { stripCredentials } from '../delivery/credentials.js';
import { Git } from '../delivery/git.js';
import { endEarly } from '../engine/finish.js';
import { runJob } from '../engine/run.js';
import { runUrl } from '../github/context.js';
import { checkPolicy } from '../github/policy.js';
import { renderOutcome } from '../report/comment.js';
import type { Report } from '../report/types.js';
import { childEnv } from '../safety/env.js';
import { openSandbox, type Sandbox } from '../safety/sandbox.js';
import type { Settings } from '../settings.js';
import { killAllRunning } from '../testing/process.js';
import { errorMessage } from '../util/errors.js';
import { runMention, type MentionJob } from './mention.js';
import type { ActionRun } from './types.js';
import { artifactServiceAvailable } from '../fanout/artifacts.js';
import { attemptRecord, uploadAttempt } from '../fanout/attempt.js';
import { cellEvidenceName } from '../fanout/keys.js';
import { uploadEvidence } from '../report/artifact.js';

export async function agentPipeline(r: ActionRun): Promise<Report> {
  if (r.ctx.mention) return runMention(r, mentionJob);
  const { settings, ctx, host, gate, mode } = r;
  const policy = await checkPolicy({ ctx, allowForks: settings.allowForks, branchPrefix: settings.branchPrefix, triggerPhrase: settings.triggerPhrase, api: r.api });
  if (!policy.run) {
    host.log.info(`Skipped: ${policy.reason}`);
    return endEarly(host, gate.redact, { mode, status: 'skipped', reason: policy.reason, evidenceDir: r.evidenceDir, startedAt: r.startedAt });
  }
  const report = await agentJob(r);
  // A fan-out cell leaves its record for pick, whatever its outcome.
  if (settings.key && (report.mode === 'fix' || report.mode === 'task') && artifactServiceAvailable()) {
    const record = attemptRecord(report, settings, report.mode);
    await uploadAttempt(record, ctx.runAttempt, gate.redact).catch((e: unknown) => host.log.warn(`Could not upload the attempt record for pick: ${errorMessage(e)}`));
  }
  return report;
}

/** A fix or task from a mention: the request becomes the prompt; a fix without a test-command reads the head's failed run. */
const mentionJob: MentionJob = async (r, m) => {
  let ctx = r.ctx;
  if (r.mode === 'fix' && !r.settings.testCommand && m.pull) {
    const failed = await m.comments.failedRunAt(m.pull.headSha);
    if (failed) ctx = { ...ctx, workflowRun: failed };
  }
  // A fix takes the words after `fix` as extra instructions; a task takes the request with the thread quoted around it.
  const prompt = r.mode === 'fix' ? m.intent.request || r.settings.prompt : m.prompt;
  const report = await agentJob({ ...r, ctx, settings: { ...r.settings, prompt } });
  return { report, comment: renderOutcome(report, runUrl(r.ctx)) };
};

async function agentJob(r: ActionRun): Promise<Report> {
  const { settings, ctx, gate, mode } = r;
  // Every cell of a matrix shares GITHUB_JOB: a cell's evidence is named after its key and attempt.
  const host = settings.key ? { ...r.host, uploadEvidence: (dir: string) => uploadEvidence(dir, cellEvidenceName(settings.key, settings.attempt, ctx.runAttempt)) } : r.host;
  const early = (status: Report['status'], reason: string): Promise<Report> =>
    endEarly(host, gate.redact, { mode, status, reason, evidenceDir: r.evidenceDir, startedAt: r.startedAt });

  const git = new Git(settings.workingDirectory);
  const stripped = await stripCredentials(git);
  let sandbox: Sandbox | undefined;
  try {
    for (const secret of stripped.found) gate.add(secret);
    if (stripped.removed.length) host.log.info(`Took the persisted credentials out of .git/config for the run: ${stripped.removed.join(', ')}`);

    const plan = await host.log.group('Plan', () => planActionJob(settings, ctx, git, r.api));
    if (plan.kind === 'error') return early('error', plan.reason);
    const { stepEnv, notes, ...job } = plan.job;
    sandbox = await openRunSandbox(r, job.repoRoot);
    notes.push(...sandbox.notes);
    for (const note of notes) host.log.info(`note: ${note}`);
    host.log.info(`mode: ${job.mode}; test command: ${job.testCommand} (${job.commandSource}); branch: ${job.branch}`);
    const model = modelFromSettings(settings, (line) => host.log.info(line));
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
    // The second user's processes end, the workspace goes back to the runner's user, the user is removed.
    await sandbox?.close().catch((e: unknown) => host.log.warn(`Could not take the sandbox down: ${errorMessage(e)}`));
    await stripped.restore().catch((e: unknown) => host.log.warn(`Could not restore .git/config: ${errorMessage(e)}`));
  }
}

/** From here on, everything untrusted runs through the sandbox: a second user where the runner allows one. */
export async function openRunSandbox(r: ActionRun, repoRoot: string): Promise<Sandbox> {
  const { settings, host } = r;
  const sandbox = await host.log.group('Sandbox', () => openSandbox({ mode: settings.sandbox, network: settings.network, workspace: repoRoot, env: process.env }));
  host.log.info(sandbox.kind === 'user' ? 'Untrusted code runs as a second user of this run.' : "Untrusted code runs as the action's own user.");
  for (const note of sandbox.notes) (sandbox.kind === 'user' ? host.log.info : host.log.warn)(note);
  return sandbox;
}

export function secretsOf(settings: Settings, found: string[]): string[] {
  return [settings.apiKey, settings.githubToken, ...found].filter((s) => s.length > 0);
}

