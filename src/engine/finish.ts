// The end of every run, whatever its outcome: the report as data, the evidence folder and artifact, the PR, the summary.
import type { Budget } from '../agent/budget.js';
import type { Item } from '../agent/conversation.js';
import type { Workspace } from '../agent/workspace.js';
import type { Status } from '../constants.js';
import { openOrUpdatePr, commentOnPr } from '../delivery/pr.js';
import type { Host } from '../host.js';
import { writeEvidence } from '../report/evidence.js';
import { renderPrBody, renderSummary } from '../report/summary.js';
import type { FileChange, Report } from '../report/types.js';
import type { TestCase, TestHarness } from '../testing/types.js';
import type { Job } from './job.js';
import { greenBasis } from './verify.js';
import { errorMessage } from '../util/errors.js';

export interface Delivery {
  /** The branch pushed to the remote. */
  branch?: string;
  /** The branch made in the local repository instead (push: none, the CLI). */
  localBranch?: string;
  sha?: string;
  changes: FileChange[];
  patch: string;
}

export interface Outcome {
  status: Status;
  reason: string;
  flipping?: TestCase[];
  transcript?: Item[];
  workspace?: Workspace;
  delivered?: Delivery;
  coverage?: Report['coverage'];
}

/** A report with nothing in it yet: what a run that ends before its first test (skipped, bad configuration) reports. */
export function emptyReport(r: { mode: Report['mode']; status: Status; reason: string; evidenceDir: string; startedAt: number }): Report {
  return {
    mode: r.mode,
    status: r.status,
    reason: r.reason,
    failingBefore: [],
    failingAfter: [],
    flipping: [],
    runs: [],
    changes: [],
    usage: { turns: 0, promptTokens: 0, completionTokens: 0 },
    evidenceDir: r.evidenceDir,
    durationMs: Date.now() - r.startedAt,
    notes: [],
  };
}

/** A run that ends before the engine starts (skipped, bad configuration) still leaves a summary. */
export async function endEarly(host: Host, redact: (text: string) => string, r: Parameters<typeof emptyReport>[0]): Promise<Report> {
  const report = emptyReport(r);
  await host.writeSummary(redact(renderSummary(report)));
  return report;
}

export async function finish(job: Job, host: Host, harness: TestHarness, budget: Budget, outcome: Outcome): Promise<Report> {
  const runs = [...harness.runs];
  const firstRed = runs.find((r) => r.phase === 'reproduce' && !r.ok);
  const lastVerify = runs.findLast((r) => r.phase === 'verify');
  const report: Report = {
    ...emptyReport({ mode: job.mode, status: outcome.status, reason: outcome.reason, evidenceDir: job.evidenceDir, startedAt: job.startedAt }),
    prompt: job.settings.prompt || undefined,
    commandSource: job.commandSource,
    testCommand: job.testCommand,
    found: job.found,
    failingBefore: job.mode === 'fix' && firstRed ? firstRed.parsed.failures : [],
    failingAfter: lastVerify ? lastVerify.parsed.failures.map(({ file, name }) => ({ file, name })) : [],
    flipping: outcome.flipping ?? [],
    runs,
    greenBy: lastVerify ? (job.mode === 'fix' && firstRed ? greenBasis(firstRed.parsed, lastVerify) : 'exit code') : undefined,
    changes: outcome.delivered?.changes ?? [],
    usage: {
      turns: budget.turns,
      promptTokens: budget.usage.input,
      cachedTokens: budget.usage.cachedInput,
      completionTokens: budget.usage.output,
      reasoningTokens: budget.usage.reasoning,
      costUsd: budget.costUsd,
    },
    coverage: outcome.coverage,
    branch: outcome.delivered?.branch,
    commit: outcome.delivered?.sha,
    localBranch: outcome.delivered?.localBranch,
    source: job.source,
    notes: [...(job.notes ?? [])],
    ...(job.closes === undefined ? {} : { closes: job.closes }),
  };

  await host.log.group('Evidence', async () => {
    await writeEvidence(job.evidenceDir, {
      report,
      transcript: outcome.transcript ?? [],
      patch: outcome.delivered?.patch,
      gate: job.gate,
    });
    const uploaded = await host.uploadEvidence(job.evidenceDir);
    report.artifactUrl = uploaded?.url;
  });

  if (report.branch && job.settings.push === 'pr' && job.github && job.baseBranch) {
    const gh = job.github;
    await host.log.group('Pull request', async () => {
      try {
        const pr = await openOrUpdatePr({
          octokit: gh.octokit,
          owner: gh.owner,
          repo: gh.repo,
          head: report.branch!,
          base: job.baseBranch!,
          title: job.gate.redact(prTitle(job, report)),
          body: job.gate.redact(renderPrBody(report)),
          draft: job.settings.draft,
          labels: job.settings.labels,
        });
        report.prUrl = pr.url;
        host.log.info(`${pr.created ? 'opened' : 'updated'} ${pr.url}`);
        if (gh.commentOn !== undefined) {
          await commentOnPr({
            octokit: gh.octokit,
            owner: gh.owner,
            repo: gh.repo,
            number: gh.commentOn,
            marker: `redgreen:${report.branch}`,
            body: job.gate.redact(`redgreen ${report.status === 'fixed' ? 'fixed' : 'worked on'} the failing check: ${pr.url}`),
          });
        }
      } catch (e) {
        report.status = 'error';
        report.reason = `The fix was pushed to ${report.branch}, but the pull request could not be opened: ${errorMessage(e)}. Check that the token has pull-requests: write.`;
      }
    });
  }
  await host.writeSummary(job.gate.redact(renderSummary(report)));
  return report;
}

function prTitle(job: Job, report: Report): string {
  if (job.mode === 'fix') {
    const names = report.failingBefore.map((f) => f.name);
    const what = names.length === 1 ? names[0] : `${names.length} failing tests`;
    return `redgreen: fix ${what}${job.source?.ref ? ` on ${job.source.ref}` : ''}`.slice(0, 200);
  }
  if (job.mode === 'coverage') return `redgreen: raise test coverage to ${report.coverage?.after ?? '?'}%`;
  const line = (job.settings.prompt.split('\n')[0] ?? 'task').slice(0, 120);
  return `redgreen: ${line}`;
}
