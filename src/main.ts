// The action: the one place that catches errors and sets the outcome of the step.
import * as core from '@actions/core';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { actionsHost } from './action/host.js';
import { planActionJob, resolveMode } from './action/plan.js';
import { createOpenAIClient } from './agent/model.js';
import { Outputs, type ResolvedMode, type Status } from './constants.js';
import { stripCredentials } from './delivery/credentials.js';
import { Git } from './delivery/git.js';
import { emptyReport } from './engine/finish.js';
import { runJob } from './engine/run.js';
import { createGitHubApi } from './github/api.js';
import { readRunContext } from './github/context.js';
import { checkPolicy } from './github/policy.js';
import { renderSummary } from './report/summary.js';
import type { Report } from './report/types.js';
import { childEnv } from './safety/env.js';
import { Redactor } from './safety/redact.js';
import { parseSettings, type Settings } from './settings.js';
import { killAllRunning } from './testing/process.js';
import { errorMessage } from './util/errors.js';

export async function run(): Promise<void> {
  const startedAt = Date.now();
  const redactor = new Redactor();
  const host = actionsHost();
  let restoreCredentials: (() => Promise<void>) | undefined;
  let mode: ResolvedMode = 'fix';
  const evidenceDir = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'redgreen-evidence-'));
  try {
    const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
    const settings = parseSettings((name) => core.getInput(name), workspace, path.resolve);
    maskSecrets(settings, redactor);
    const ctx = readRunContext();
    mode = resolveMode(settings, ctx);
    const api = createGitHubApi({ token: settings.githubToken, apiUrl: ctx.apiUrl, repo: ctx.repo });

    const policy = await checkPolicy({ ctx, allowForks: settings.allowForks, branchPrefix: settings.branchPrefix, api });
    if (!policy.run) {
      core.info(`Skipped: ${policy.reason}`);
      await finishEarly(host, redactor, { mode, status: 'skipped', reason: policy.reason, evidenceDir, startedAt });
      return;
    }

    const git = new Git(settings.workingDirectory);
    const stripped = await stripCredentials(git);
    restoreCredentials = stripped.restore;
    for (const secret of stripped.found) redactor.add(secret);
    if (stripped.removed.length) core.info(`Took the persisted credentials out of .git/config for the run: ${stripped.removed.join(', ')}`);

    const plan = await host.log.group('Plan', () => planActionJob(settings, ctx, git, api));
    if (plan.kind === 'error') {
      await finishEarly(host, redactor, { mode, status: 'error', reason: plan.reason, evidenceDir, startedAt });
      core.setFailed(plan.reason);
      return;
    }
    const { stepEnv, notes, ...job } = plan.job;
    for (const note of notes) core.info(`note: ${note}`);
    core.info(`mode: ${job.mode}; test command: ${job.testCommand} (${job.commandSource}); branch: ${job.branch}`);
    const model = createOpenAIClient({
      apiKey: settings.apiKey,
      baseUrl: settings.baseUrl,
      model: settings.model,
      onRetry: (line) => core.info(line),
    });
    const report = await runJob(
      {
        ...job,
        evidenceDir,
        startedAt,
        redactor,
        notes,
        childEnv: {
          ...childEnv(process.env, { withhold: settings.secretEnv, secrets: secretsOf(settings, stripped.found) }),
          ...stepEnv,
        },
      },
      host,
      { model },
    );
    setOutputs(report);
    if (report.status === 'error') core.setFailed(report.reason);
    else core.info(`redgreen: ${report.status}: ${report.reason}`);
  } catch (e) {
    const reason = redactor.redact(errorMessage(e));
    await finishEarly(host, redactor, { mode, status: 'error', reason, evidenceDir, startedAt }).catch(() => undefined);
    core.setFailed(reason);
  } finally {
    killAllRunning();
    await restoreCredentials?.().catch((e: unknown) => core.warning(`Could not restore .git/config: ${errorMessage(e)}`));
  }
}

function maskSecrets(settings: Settings, redactor: Redactor): void {
  redactor.add(settings.apiKey);
  redactor.add(settings.githubToken);
  for (const name of ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'GITHUB_TOKEN', 'GH_TOKEN', 'OPENAI_API_KEY', ...settings.secretEnv]) {
    redactor.add(process.env[name]);
  }
}

function secretsOf(settings: Settings, found: string[]): string[] {
  return [settings.apiKey, settings.githubToken, ...found].filter((s) => s.length > 0);
}

function setOutputs(report: Report): void {
  core.setOutput(Outputs.Status, report.status);
  core.setOutput(Outputs.Branch, report.branch ?? '');
  core.setOutput(Outputs.PrUrl, report.prUrl ?? '');
  core.setOutput(Outputs.Attempts, report.runs.filter((r) => r.phase === 'edit-check' || r.phase === 'verify').length);
  core.setOutput(Outputs.EvidenceDir, report.evidenceDir);
  core.setOutput(Outputs.CoverageBefore, report.coverage?.before ?? '');
  core.setOutput(Outputs.CoverageAfter, report.coverage?.after ?? '');
  core.setOutput(Outputs.Tokens, report.usage.promptTokens + report.usage.completionTokens);
  core.setOutput(Outputs.CostUsd, report.usage.costUsd === undefined ? '' : report.usage.costUsd.toFixed(4));
}

/** A run that ends before the engine starts (skipped, bad configuration) still leaves a summary and outputs. */
async function finishEarly(
  host: ReturnType<typeof actionsHost>,
  redactor: Redactor,
  r: { mode: ResolvedMode; status: Status; reason: string; evidenceDir: string; startedAt: number },
): Promise<void> {
  const report = emptyReport(r);
  setOutputs(report);
  await host.writeSummary(redactor.redact(renderSummary(report)));
}
