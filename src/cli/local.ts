// Runs the engine on a local git checkout: the job from flags, the fix on a local branch, the evidence in a local folder.
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ModelClient } from '../agent/model.js';
import { branchName } from '../delivery/branch.js';
import { Git } from '../delivery/git.js';
import { runJob } from '../engine/run.js';
import type { Host } from '../host.js';
import type { Report } from '../report/types.js';
import { childEnv } from '../safety/env.js';
import { ExitGate } from '../safety/gate.js';
import { SettingsError, type Settings } from '../settings.js';

export interface LocalRun {
  settings: Settings;
  model: ModelClient;
  host: Host;
  evidenceDir?: string;
  env?: NodeJS.ProcessEnv;
}

export async function runLocal(r: LocalRun): Promise<Report> {
  const startedAt = Date.now();
  const { settings } = r;
  const env = r.env ?? process.env;
  const mode = settings.mode === 'auto' ? 'fix' : settings.mode;
  if (!settings.testCommand) throw new SettingsError('Give the test command: --test "<command>".');
  if (mode === 'task' && !settings.prompt) throw new SettingsError('Task mode needs the task: --prompt "<task>".');
  if (mode === 'coverage' && !settings.coverageCommand) throw new SettingsError('Coverage mode needs --coverage-command "<command>".');

  const git = new Git(settings.workingDirectory);
  const top = await git.exec(['rev-parse', '--show-toplevel'], { allowFailure: true });
  if (top.exitCode !== 0) throw new SettingsError(`${settings.workingDirectory} is not inside a git checkout; redgreen commits the fix on a branch.`);
  const repoRoot = top.stdout.trim();
  const head = (await git.exec(['rev-parse', 'HEAD'])).stdout.trim();
  const current = (await git.exec(['symbolic-ref', '--short', '-q', 'HEAD'], { allowFailure: true })).stdout.trim() || undefined;

  const gate = new ExitGate();
  gate.add(settings.apiKey, { mask: false });
  for (const name of settings.secretEnv) gate.add(env[name], { mask: false });
  const evidenceDir =
    r.evidenceDir ?? path.join(os.tmpdir(), 'redgreen-evidence', `${path.basename(repoRoot)}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  await mkdir(evidenceDir, { recursive: true });

  return runJob(
    {
      mode,
      settings,
      testCommand: settings.testCommand,
      commandSource: 'the --test flag',
      setupCommands: settings.setupCommand ? [settings.setupCommand] : [],
      repoRoot,
      workDir: settings.workingDirectory,
      baseSha: head,
      baseBranch: current,
      branch: branchName(settings.branchPrefix, { mode, failedBranch: current, sha: head, prompt: settings.prompt, ref: current }),
      remote: 'origin',
      source: { sha: head, ref: current },
      evidenceDir,
      childEnv: childEnv(env, { withhold: settings.secretEnv, secrets: [settings.apiKey].filter(Boolean) }),
      gate,
      startedAt,
    },
    r.host,
    { model: r.model },
  );
}
