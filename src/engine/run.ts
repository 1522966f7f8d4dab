// The engine: one job from reproduction through the agent loop and verification to delivery and the report.
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { Budget, isPriceKnown } from '../agent/budget.js';
import type { Verdict } from '../agent/loop.js';
import { Git } from '../delivery/git.js';
import type { Host } from '../host.js';
import type { Report } from '../report/types.js';
import { plainText } from '../testing/ansi.js';
import { createTestHarness } from '../testing/harness.js';
import type { TestHarness } from '../testing/types.js';
import { errorMessage } from '../util/errors.js';
import { projectDigest, work, type EngineDeps } from './agent.js';
import { coverageMode } from './coverage.js';
import { finish, type Outcome } from './finish.js';
import type { Job } from './job.js';
import { describe, reproduce } from './reproduce.js';
import { greenBasis, removalsSince, verifyFix } from './verify.js';

export type { EngineDeps } from './agent.js';

const FAILED_LOG_BYTES = 16 * 1024;

/** Reads at most the last `max` bytes of a log: enough to recognise a setup failure, never 30 MB at once. */
export async function readTail(file: string, max = 256 * 1024): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const length = Math.min(size, max);
    const buf = Buffer.alloc(length);
    await fh.read(buf, 0, length, size - length);
    return buf.toString('utf8');
  } finally {
    await fh.close();
  }
}

export async function runJob(job: Job, host: Host, deps: EngineDeps): Promise<Report> {
  await mkdir(path.join(job.evidenceDir, 'logs'), { recursive: true });
  const harness = createTestHarness({
    command: job.testCommand,
    cwd: job.workDir,
    env: job.childEnv,
    timeoutSec: job.settings.testTimeoutSec,
    logDir: path.join(job.evidenceDir, 'logs'),
    redact: job.gate.redact,
    onOutput: host.onTestOutput,
  });
  const budget = new Budget(
    {
      maxTurns: job.settings.maxIterations,
      maxTokens: job.settings.maxTokens,
      maxCostUsd: job.settings.maxCostUsd,
      deadline: job.startedAt + job.settings.maxMinutes * 60_000,
    },
    job.settings.model,
    job.settings.baseUrl,
  );
  let outcome: Outcome;
  try {
    if (job.settings.maxCostUsd !== undefined && !isPriceKnown(job.settings.model, job.settings.baseUrl)) {
      // A cap that cannot be checked is no cap: refuse rather than spend without one.
      throw new Error(`max-cost-usd is set, but the price of model '${job.settings.model}' is not known, so the cap cannot be enforced; use max-tokens instead.`);
    }
    outcome = job.mode === 'coverage' ? await coverageMode(job, host, deps, harness, budget) : await fixOrTask(job, host, deps, harness, budget);
  } catch (e) {
    // Auth failures, an API that stays down, a push that is refused: the run still ends with its evidence.
    outcome = { status: 'error', reason: errorMessage(e) };
  }
  return finish(job, host, harness, budget, outcome);
}

async function fixOrTask(job: Job, host: Host, deps: EngineDeps, harness: TestHarness, budget: Budget): Promise<Outcome> {
  const log = host.log;
  const repro = await log.group('Reproduce', () =>
    reproduce(harness, job.setupCommands, async (run) => plainText(await readTail(run.logFile)), (l) => log.info(l), {
      confirm: job.mode === 'fix',
      root: job.workDir,
      ...(job.found ? { setupNames: job.found.setup } : {}),
    }),
  );
  if (repro.kind === 'broken') return { status: 'error', reason: repro.reason };
  if (job.mode === 'fix' && repro.kind === 'green') return { status: 'not-reproduced', reason: repro.reason };
  if (job.mode === 'fix' && repro.kind === 'flaky') return { status: 'flaky', reason: repro.reason, flipping: repro.flipping };
  const initial = repro.kind === 'red' ? repro.run : harness.runs.find((r) => r.phase === 'reproduce')!;

  // Where the model started from: a change that removes tests is read against it, whatever it commits meanwhile.
  const git = new Git(job.workDir);
  const base = job.mode === 'fix' ? (await git.exec(['rev-parse', 'HEAD'], { allowFailure: true })).stdout.trim() : '';
  const verify = async (): Promise<Verdict> => {
    const run = await harness.run({ phase: 'verify' });
    log.info(`verify: ${describe(run)}`);
    if (job.mode === 'fix') {
      const removals = run.ok && greenBasis(initial.parsed, run) !== 'test names' && base ? await removalsSince(git, base, job.testCommand, job.workDir) : [];
      const v = verifyFix(initial.parsed, run, removals);
      log.info(`green decided by ${v.decidedBy}${v.ok ? '' : `: ${v.problems.join(' ')}`}`);
      return v.ok ? { ok: true } : { ok: false, feedback: `Not green yet. ${v.problems.join(' ')}\n\n${projectDigest(job, run)}` };
    }
    return run.ok ? { ok: true } : { ok: false, feedback: `The full test command fails, so the task is not done.\n\n${projectDigest(job, run)}` };
  };

  const firstMessage =
    job.mode === 'fix'
      ? fixMessage(job, projectDigest(job, initial))
      : taskMessage(job, initial.ok ? `It passes now (${describe(initial)}).` : `It fails now:\n\n${projectDigest(job, initial)}`);
  const flipping = repro.kind === 'red' ? repro.flipping : [];
  const outcome = await work(job, host, deps, harness, budget, {
    policy: {},
    firstMessage,
    targets: initial.parsed.failures.map(({ file, name }) => ({ file, name })),
    verify,
    success: job.mode === 'fix' ? 'fixed' : 'completed',
  });
  return flipping.length ? { ...outcome, flipping } : outcome;
}

function fixMessage(job: Job, reproDigest: string): string {
  const parts = [`The test command \`${job.testCommand}\` fails. This is what the reproduction found:`, reproDigest];
  if (job.failedLog) {
    const tail = job.failedLog.length > FAILED_LOG_BYTES ? job.failedLog.slice(-FAILED_LOG_BYTES) : job.failedLog;
    parts.push(`The end of the failed CI step's log, for context:\n${tail}`);
  }
  parts.push('Find the cause and fix it.');
  return parts.join('\n\n');
}

function taskMessage(job: Job, baseline: string): string {
  return [`The task:\n${job.settings.prompt}`, `The test command is \`${job.testCommand}\`; it must pass when you are done. ${baseline}`].join('\n\n');
}
