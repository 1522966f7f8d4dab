// The action: the one place that catches errors and sets the outcome of the step; it only chooses a pipeline.
import * as core from '@actions/core';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FinalWord } from './action/final.js';
import { actionsHost } from './action/host.js';
import { resolveMode } from './action/plan.js';
import { type ResolvedMode } from './constants.js';
import { endEarly } from './engine/finish.js';
import { createGitHubApi } from './github/api.js';
import { readRunContext } from './github/context.js';
import { pipelines } from './pipelines/index.js';
import { actionOutputs } from './report/outputs.js';
import type { Report } from './report/types.js';
import { ExitGate } from './safety/gate.js';
import { parseSettings, type Settings } from './settings.js';
import { killAllRunning } from './testing/process.js';
import { errorMessage } from './util/errors.js';

export async function run(): Promise<void> {
  const startedAt = Date.now();
  const gate = new ExitGate();
  // Outputs and summary are held back and written last, after every untrusted process has ended.
  const final = new FinalWord(process.env);
  const host = final.host(actionsHost(gate.redact));
  let mode: ResolvedMode = 'fix';
  const evidenceDir = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'redgreen-evidence-'));
  try {
    const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
    const settings = parseSettings((name) => core.getInput(name), workspace, path.resolve);
    maskSecrets(settings, gate);
    const ctx = readRunContext();
    mode = resolveMode(settings, ctx);
    const api = createGitHubApi({ token: settings.githubToken, apiUrl: ctx.apiUrl, repo: ctx.repo });
    const report = await pipelines[mode]({ settings, ctx, mode, api, host, gate, evidenceDir, startedAt });
    setOutputs(final, report);
    if (report.status === 'error') core.setFailed(report.reason);
    else host.log.info(`redgreen: ${report.status}: ${report.reason}`);
  } catch (e) {
    const reason = gate.redact(errorMessage(e));
    const report = await endEarly(host, gate.redact, { mode, status: 'error', reason, evidenceDir, startedAt }).catch(() => undefined);
    if (report) setOutputs(final, report);
    core.setFailed(reason);
  } finally {
    killAllRunning();
    await final.write();
  }
}

function maskSecrets(settings: Settings, gate: ExitGate): void {
  gate.add(settings.apiKey);
  gate.add(settings.githubToken);
  for (const name of ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'GITHUB_TOKEN', 'GH_TOKEN', 'OPENAI_API_KEY', ...settings.secretEnv]) {
    gate.add(process.env[name]);
  }
}

function setOutputs(final: FinalWord, report: Report): void {
  for (const [name, value] of Object.entries(actionOutputs(report))) final.setOutput(name, value);
  // Mode-specific outputs (plan's matrix and count, pick's PR list).
  for (const [name, value] of Object.entries(report.outputs ?? {})) final.setOutput(name, value);
}
