// Pick mode: after the matrix, reads every cell's record, moves each key's branch to its smallest verified attempt and opens its one PR.
import { getOctokit } from '@actions/github';
import { Outputs } from '../constants.js';
import { Git } from '../delivery/git.js';
import { openOrUpdatePr } from '../delivery/pr.js';
import { emptyReport } from '../engine/finish.js';
import { artifactServiceAvailable, downloadJsonArtifacts } from '../fanout/artifacts.js';
import { chooseWinner, latestAttempts } from '../fanout/choose.js';
import { AttemptArtifactPrefix, keyBranch, PlanArtifactPrefix } from '../fanout/keys.js';
import { deleteAttemptBranches, promoteWinner } from '../fanout/promote.js';
import { AttemptFile, AttemptRecordSchema, PlanFile, PlanRecordSchema, type AttemptRecord, type PlanRecord } from '../fanout/record.js';
import { renderPickPr, renderPickSummary, type KeyOutcome } from '../fanout/render.js';
import { runUrl } from '../github/context.js';
import { checkPolicy } from '../github/policy.js';
import type { Report } from '../report/types.js';
import { errorMessage } from '../util/errors.js';
import type { ActionRun } from './types.js';

export async function pickPipeline(r: ActionRun): Promise<Report> {
  const { settings, ctx, host, gate } = r;
  const notes: string[] = [];
  const warn = (line: string) => {
    host.log.warn(line);
    notes.push(line);
  };
  const end = async (status: Report['status'], reason: string, outcomes: KeyOutcome[] = []): Promise<Report> => {
    const report = emptyReport({ mode: 'pick', status, reason, evidenceDir: r.evidenceDir, startedAt: r.startedAt });
    const prs = outcomes.flatMap((o) => (o.prUrl ? [o.prUrl] : []));
    report.outputs = { [Outputs.Prs]: JSON.stringify(prs) };
    if (prs.length === 1) report.prUrl = prs[0];
    report.notes = notes;
    await host.writeSummary(gate.redact(renderPickSummary(status, reason, outcomes, notes)));
    return report;
  };

  const policy = await checkPolicy({ ctx, allowForks: settings.allowForks, branchPrefix: settings.branchPrefix, api: r.api });
  if (!policy.run) return end('skipped', policy.reason);
  if (!artifactServiceAvailable()) return end('error', 'Pick reads the records the matrix cells uploaded as artifacts of this run; it runs only inside GitHub Actions, after the matrix job.');

  const plans = await host.log.group('Plan', () => downloadJsonArtifacts(PlanArtifactPrefix, PlanFile, PlanRecordSchema, warn));
  const plan = plans.sort((a, b) => b.createdAt - a.createdAt)[0]?.value;
  if (!plan || plan.keys.length === 0) return end('skipped', 'Nothing was planned in this run (no plan, or an empty one), so there is nothing to pick.');

  const downloaded = await host.log.group('Attempts', () => downloadJsonArtifacts(AttemptArtifactPrefix, AttemptFile, AttemptRecordSchema, warn));
  const records = latestAttempts(downloaded.map((d) => ({ record: d.value, createdAt: d.createdAt })));
  const jobUrls = await jobLinks(r, (line) => host.log.info(line));

  const git = new Git(settings.workingDirectory);
  const auth = settings.githubToken ? { token: settings.githubToken, serverUrl: ctx.serverUrl } : undefined;
  const outcomes: KeyOutcome[] = [];
  for (const key of plan.keys) {
    const mine = records.filter((rec) => rec.key === key.key);
    const outcome: KeyOutcome = { key, rows: rowsOf(plan, key, mine, jobUrls) };
    outcomes.push(outcome);
    await host.log.group(`Key ${key.key}`, async () => {
      try {
        await pickOne(r, git, auth, outcome, mine);
      } catch (e) {
        outcome.problem = gate.redact(errorMessage(e));
        host.log.warn(`${key.key}: ${outcome.problem}`);
      }
      // Whatever happened, the attempts are done: their branches go, the winner's change lives on the key's branch.
      const deleted = await deleteAttemptBranches(git, 'origin', { prefix: settings.branchPrefix, mode: key.mode, key: key.key }, auth).catch((e: unknown) => {
        warn(`Could not delete the attempt branches of ${key.key}: ${errorMessage(e)}`);
        return [];
      });
      if (deleted.length > 0) host.log.info(`deleted ${deleted.join(', ')}`);
    });
  }

  const got = outcomes.filter((o) => o.prUrl || (o.branch && settings.push !== 'pr'));
  const success = plan.keys.every((k) => k.mode === 'fix') ? 'fixed' : 'completed';
  const status = got.length === outcomes.length ? success : 'gave-up';
  const reason =
    status === 'gave-up'
      ? `${outcomes.length - got.length} of ${outcomes.length} keys got no verified change: ${outcomes.filter((o) => !got.includes(o)).map((o) => o.key.key).join(', ')}.`
      : `Every key (${outcomes.length}) has its smallest verified change${settings.push === 'pr' ? ' in a pull request' : ''}.`;
  return end(status, reason, outcomes);
}

async function pickOne(r: ActionRun, git: Git, auth: { token: string; serverUrl: string } | undefined, outcome: KeyOutcome, records: AttemptRecord[]): Promise<void> {
  const { settings, ctx, host, gate } = r;
  // With one attempt the cell delivered on its own, PR and all.
  const own = records.find((rec) => rec.prUrl);
  if (own && outcome.key.attempts === 1) {
    outcome.prUrl = own.prUrl;
    outcome.winner = own;
    return;
  }
  const winner = chooseWinner(records);
  if (!winner?.branch || !winner.sha) {
    outcome.problem = records.length === 0 ? 'no attempt left a record' : 'no attempt was verified';
    return;
  }
  outcome.winner = winner;
  const branch = keyBranch(settings.branchPrefix, winner.mode, winner.key);
  if (settings.push === 'none') {
    outcome.problem = `push is none; the winner stays on ${winner.branch}`;
    return;
  }
  const pushed = await promoteWinner({
    git,
    remote: 'origin',
    winner: { ...winner, branch: winner.branch, sha: winner.sha },
    branch,
    prefix: settings.branchPrefix,
    author: settings.author,
    trailer: runUrl(ctx),
    ...(auth ? { auth } : {}),
  });
  outcome.branch = branch;
  host.log.info(`${branch} ${pushed.updated ? 'moved' : 'created'} at ${pushed.sha.slice(0, 7)}: attempt ${winner.attempt} (${winner.linesAdded + winner.linesRemoved} lines, ${winner.tokens} tokens)`);
  if (settings.push !== 'pr') return;
  if (!winner.baseBranch) {
    outcome.problem = 'the run was not on a branch, so there is no branch for a pull request to go into';
    return;
  }
  const pr = await openOrUpdatePr({
    octokit: getOctokit(settings.githubToken, { baseUrl: ctx.apiUrl }),
    owner: ctx.repo.owner,
    repo: ctx.repo.repo,
    head: branch,
    base: winner.baseBranch,
    title: winner.title,
    body: gate.redact(renderPickPr(outcome)),
    draft: settings.draft,
    labels: settings.labels,
  });
  outcome.prUrl = pr.url;
  host.log.info(`${pr.created ? 'opened' : 'updated'} ${pr.url}`);
}

/** One row per planned attempt, whether or not its cell left a record. */
function rowsOf(plan: PlanRecord, key: PlanRecord['keys'][number], records: AttemptRecord[], jobUrls: Map<string, string>): KeyOutcome['rows'] {
  const entries = plan.entries.filter((e) => e.key === key.key);
  return entries
    .sort((a, b) => a.attempt - b.attempt)
    .map((e) => {
      const record = records.find((rec) => rec.attempt === e.attempt);
      const jobUrl = jobUrls.get(e.name);
      return { attempt: e.attempt, model: record?.model ?? e.model, ...(record ? { record } : {}), ...(jobUrl ? { jobUrl } : {}) };
    });
}

/** The cells' jobs in this run, by name (the README names each `${{ matrix.name }}`), for the links in the table. */
async function jobLinks(r: ActionRun, info: (line: string) => void): Promise<Map<string, string>> {
  try {
    const jobs = await r.api.listJobs(r.ctx.runId);
    return new Map(jobs.flatMap((j) => (j.htmlUrl ? [[j.name, j.htmlUrl] as [string, string]] : [])));
  } catch (e) {
    info(`The jobs of this run could not be listed (${errorMessage(e)}); the table links no jobs.`);
    return new Map();
  }
}
