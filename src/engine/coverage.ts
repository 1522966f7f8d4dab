// Coverage mode: measure, let the model write tests (test files only), keep the result only if tests pass and coverage rises.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Budget } from '../agent/budget.js';
import type { Verdict } from '../agent/loop.js';
import { compareCoverage, sourcePercent, type CoverageComparison } from '../coverage/compare.js';
import { formatRanked, rankFiles } from '../coverage/rank.js';
import { readCoverage } from '../coverage/read.js';
import { describeTestConventions, isTestPath } from '../coverage/test-paths.js';
import type { CoverageReport } from '../coverage/types.js';
import type { Host } from '../host.js';
import type { TestHarness } from '../testing/types.js';
import { projectDigest, work, type EngineDeps } from './agent.js';
import type { Outcome } from './finish.js';
import type { Job } from './job.js';
import { describe } from './reproduce.js';

const RANKED_FILES = 8;

export async function coverageMode(job: Job, host: Host, deps: EngineDeps, harness: TestHarness, budget: Budget): Promise<Outcome> {
  const log = host.log;
  const coverageFile = path.resolve(job.workDir, job.settings.coverageFile);
  const measure = async (): Promise<{ report?: CoverageReport; problem?: string; digest: string }> => {
    // A stale file from an earlier run must not pass for a fresh measurement.
    await rm(coverageFile, { force: true });
    const run = await harness.run({ phase: 'coverage', command: job.settings.coverageCommand });
    log.info(`coverage: ${describe(run)}`);
    if (!run.ok) return { problem: `The coverage command \`${job.settings.coverageCommand}\` failed.`, digest: projectDigest(job, run) };
    try {
      return { report: await readCoverage(coverageFile, job.workDir), digest: '' };
    } catch (e) {
      return { problem: `The coverage file ${job.settings.coverageFile} could not be read: ${(e as Error).message}`, digest: '' };
    }
  };

  for (const command of job.setupCommands) {
    const setup = await harness.run({ phase: 'setup', command });
    if (!setup.ok) return { status: 'error', reason: `The setup command \`${command}\` failed; see its log.` };
  }
  const baseline = await log.group('Measure coverage', measure);
  if (!baseline.report) return { status: 'error', reason: baseline.problem ?? 'No coverage was measured.' };
  const before = baseline.report;
  const ranked = rankFiles(before, { limit: RANKED_FILES });
  log.info(`coverage before: ${sourcePercent(before)}%; ${ranked.length} files to work on`);
  if (ranked.length === 0) {
    return { status: 'gave-up', reason: `Every measured source line is covered already (${sourcePercent(before)}%): there is nothing to add.` };
  }
  const conventions = await describeTestConventions(job.workDir);
  let comparison: CoverageComparison | undefined;

  const verify = async (): Promise<Verdict> => {
    const tests = await harness.run({ phase: 'verify' });
    log.info(`verify: ${describe(tests)}`);
    if (!tests.ok) return { ok: false, feedback: `The test command fails; every test must pass.\n\n${projectDigest(job, tests)}` };
    const after = await measure();
    if (!after.report) return { ok: false, feedback: `${after.problem}\n\n${after.digest}` };
    const c = compareCoverage(before, after.report, { ranked: ranked.map((f) => f.path) });
    if (c.after <= c.before) {
      return {
        ok: false,
        feedback: `The tests pass, but line coverage did not rise (${c.before}% before, ${c.after}% now). Test the uncovered lines:\n${formatRanked(rankFiles(after.report, { limit: RANKED_FILES }))}`,
      };
    }
    comparison = c;
    return { ok: true };
  };

  return work(job, host, deps, harness, budget, {
    policy: {
      refuseWrite: (rel) =>
        isTestPath(rel) ? undefined : `'${rel}' is not a test file: in coverage mode only test files may be written (${conventions})`,
    },
    firstMessage: [
      `Line coverage of this project is ${sourcePercent(before)}%. These source files have the most uncovered lines:`,
      formatRanked(ranked),
      conventions,
      `The test command is \`${job.testCommand}\`; coverage is measured with \`${job.settings.coverageCommand}\`. Write tests that cover these lines.`,
    ].join('\n\n'),
    targets: [],
    verify,
    success: 'completed',
    extra: () => (comparison ? { coverage: comparison } : {}),
  });
}
