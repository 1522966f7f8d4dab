// The shared middle of every mode: a confined workspace, the model loop with its tools, then delivery of a verified change.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Budget } from '../agent/budget.js';
import { runLoop, type Verdict } from '../agent/loop.js';
import type { ModelClient } from '../agent/model.js';
import { gatherInstructions, systemPrompt } from '../agent/prompt.js';
import { createShell } from '../agent/shell.js';
import { Workspace, type WorkspacePolicy } from '../agent/workspace.js';
import { NoChangesError } from '../delivery/errors.js';
import { Git } from '../delivery/git.js';
import type { Host } from '../host.js';
import { digest } from '../testing/digest.js';
import type { TestCase, TestHarness, TestRun } from '../testing/types.js';
import { deliver } from './deliver.js';
import type { Outcome } from './finish.js';
import type { Job } from './job.js';
import { describe } from './reproduce.js';

const DIGEST_BYTES = 48 * 1024;

export interface WorkOptions {
  policy: Omit<WorkspacePolicy, 'allowWorkflowEdits'>;
  firstMessage: string;
  /** Tests run_tests reruns by default (the failing ones). */
  targets: TestCase[];
  verify(): Promise<Verdict>;
  /** The status when verified: fixed (fix) or completed (task, coverage). */
  success: 'fixed' | 'completed';
  /** Extra fields for the outcome once verified (coverage numbers). */
  extra?: () => Partial<Outcome>;
}

export interface EngineDeps {
  model: ModelClient;
}

export function projectDigest(job: Job, run: TestRun): string {
  return projectDigestOf(job.workDir, run);
}

export function projectDigestOf(workDir: string, run: TestRun): string {
  return digest(run, { budgetBytes: DIGEST_BYTES, projectRoot: workDir });
}

export async function work(job: Job, host: Host, deps: EngineDeps, harness: TestHarness, budget: Budget, o: WorkOptions): Promise<Outcome> {
  const log = host.log;
  const workspace = await Workspace.open(job.workDir, { ...o.policy, allowWorkflowEdits: job.settings.allowWorkflowEdits });
  const instructions = await gatherInstructions(job.repoRoot, job.workDir, (p) =>
    job.readInstructions ? job.readInstructions(p) : readFile(path.join(job.repoRoot, p), 'utf8').catch(() => undefined),
  );
  const result = await log.group('Agent loop', () =>
    runLoop({
      model: deps.model,
      budget,
      system: systemPrompt(job.mode, instructions, job.mode === 'task' ? undefined : job.settings.prompt),
      firstMessage: o.firstMessage,
      redact: job.gate.redact,
      verify: o.verify,
      log: (l) => log.info(l),
      host: {
        workspace,
        ...(job.offerShell
          ? {
              shell: createShell({
                workspace,
                env: job.childEnv,
                maxTimeoutMs: job.settings.testTimeoutSec * 1000,
                logDir: path.join(job.evidenceDir, 'shell'),
                redact: job.gate.redact,
              }),
            }
          : {}),
        listFiles: () => listFiles(new Git(job.workDir)),
        runTests: async (scope) => {
          const run = await harness.run({ phase: 'edit-check', targets: scope === 'failing' && o.targets.length ? o.targets : undefined });
          log.info(`run_tests: ${describe(run)}`);
          return projectDigest(job, run);
        },
      },
    }),
  );
  if (!result.verified) return { status: 'gave-up', reason: `No verified green run: ${result.reason}.`, transcript: result.transcript };
  try {
    const delivered = await log.group('Deliver', () => deliver(job, workspace, host, result.finalMessage));
    return { status: o.success, reason: result.reason, transcript: result.transcript, delivered, ...o.extra?.() };
  } catch (e) {
    if (!(e instanceof NoChangesError)) throw e;
    return { status: 'gave-up', reason: 'The tests passed, but no file was changed: there is nothing to deliver.', transcript: result.transcript };
  }
}

/** Paths relative to the project folder: git lists them relative to where it runs. */
async function listFiles(git: Git): Promise<string[]> {
  const r = await git.exec(['ls-files', '--cached', '--others', '--exclude-standard', '-z']);
  return [...new Set(r.stdout.split('\0').filter(Boolean))].sort();
}
