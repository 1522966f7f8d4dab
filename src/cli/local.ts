// Runs the engine on a local git checkout: in a temporary worktree at HEAD, the fix on a local branch, the evidence in a local folder.
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ModelClient } from '../agent/model.js';
import { branchName } from '../delivery/branch.js';
import { runJob } from '../engine/run.js';
import type { Host } from '../host.js';
import type { Report } from '../report/types.js';
import { childEnv } from '../safety/env.js';
import { ExitGate } from '../safety/gate.js';
import { SettingsError, type Settings } from '../settings.js';
import { fixDiff } from './diff.js';
import { addWorktree, readCheckout, type Checkout } from './worktree.js';

export interface LocalRun {
  settings: Settings;
  model: ModelClient;
  host: Host;
  evidenceDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Colour the diff (a terminal, not a pipe or --json). */
  color?: boolean;
  /** Offer the model the shell tool (--shell). */
  shell?: boolean;
}

export interface LocalResult {
  report: Report;
  /** Where the run started: the user's repository, HEAD and branch, and what was left uncommitted. */
  checkout: Checkout;
  /** `git diff` of the fix branch against where the run started ('' when there is no fix), redacted. */
  diff: string;
}

export async function runLocal(r: LocalRun): Promise<LocalResult> {
  const startedAt = Date.now();
  const { settings } = r;
  const env = r.env ?? process.env;
  const mode = settings.mode === 'auto' ? 'fix' : settings.mode;
  if (mode === 'plan' || mode === 'pick') throw new SettingsError(`Mode ${mode} fans work out over a GitHub Actions matrix; it runs only as the action.`);
  if (!settings.testCommand) throw new SettingsError('Give the test command: --test "<command>".');
  if (mode === 'task' && !settings.prompt) throw new SettingsError('Task mode needs the task: --prompt "<task>".');
  if (mode === 'coverage' && !settings.coverageCommand) throw new SettingsError('Coverage mode needs --coverage-command "<command>".');

  const checkout = await readCheckout(settings.workingDirectory);
  const { head, branch: current } = checkout;
  const notes: string[] = [];
  if (checkout.uncommitted.length) {
    const n = checkout.uncommitted.length;
    const note = `The working tree had uncommitted changes (${n} path${n === 1 ? '' : 's'}); they were not part of the run, which worked on a clean checkout of HEAD (${head.slice(0, 7)}), and they are left as they were.`;
    notes.push(note);
    r.host.log.warn(note);
  }

  const gate = new ExitGate();
  gate.add(settings.apiKey, { mask: false });
  for (const name of settings.secretEnv) gate.add(env[name], { mask: false });
  const evidenceDir =
    r.evidenceDir ??
    path.join(os.tmpdir(), 'redgreen-evidence', `${path.basename(checkout.repoRoot)}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  await mkdir(evidenceDir, { recursive: true });

  // The model edits, the tests run and the commit is built in a worktree of its own; the user's checkout only gains the branch.
  const worktree = await addWorktree(checkout, { linkDependencies: !settings.setupCommand });
  try {
    if (worktree.linked.length) r.host.log.info(`linked from your checkout (not tracked by git): ${worktree.linked.join(', ')}`);
    const workDir = path.join(worktree.root, checkout.prefix);
    const report = await runJob(
      {
        mode,
        settings: { ...settings, workingDirectory: workDir },
        testCommand: settings.testCommand,
        commandSource: 'the --test flag',
        setupCommands: settings.setupCommand ? [settings.setupCommand] : [],
        repoRoot: worktree.root,
        workDir,
        baseSha: head,
        baseBranch: current,
        branch: branchName(settings.branchPrefix, { mode, failedBranch: current, sha: head, prompt: settings.prompt, ref: current }),
        remote: 'origin',
        source: { sha: head, ref: current },
        offerShell: r.shell === true,
        evidenceDir,
        childEnv: childEnv(env, { withhold: settings.secretEnv, secrets: [settings.apiKey].filter(Boolean) }),
        gate,
        notes,
        startedAt,
      },
      r.host,
      { model: r.model },
    );
    const diff = await fixDiff(checkout.repoRoot, head, report, { color: r.color === true, redact: gate.redact });
    return { report, checkout, diff };
  } finally {
    await worktree.remove();
  }
}
