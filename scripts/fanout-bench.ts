// Fan-out benchmark (npx tsx scripts/fanout-bench.ts): the README's plan → matrix → pick workflow on three failed jobs
// with best-of 2, its six cells once all at once (as runners run them) and once one after another, measured in one run.
import { cpus } from 'node:os';
import { TestSecrets } from '../test/support/action.js';
import { addCiRun, bugOf, driveWorkflow, fanoutRemote, playbookModel, type Playbook } from '../test/support/fanout-world.js';
import { startGitHubServer } from '../test/support/github-server.js';
import { startOpenAIServer } from '../test/support/openai-server.js';
import { cleanupTempDirs } from '../test/support/tmp.js';

const playbook: Playbook = {
  alpha: { 'm-1': 'big', 'm-2': 'small' },
  beta: { 'm-1': 'small', 'm-2': 'big' },
  gamma: { 'm-1': 'fail', 'm-2': 'small' },
};

/** One whole fan-out in a fresh world; the wall time of its matrix job (all six cells). */
async function once(parallel: boolean, runId: number): Promise<{ matrixMs: number; cells: number; prs: number }> {
  const { remote, sha } = await fanoutRemote();
  const gh = await startGitHubServer({ defaultPermission: 'write', token: TestSecrets.githubToken, remote });
  const model = await startOpenAIServer(playbookModel(playbook, bugOf));
  try {
    addCiRun(gh, runId, sha, [{ name: 'alpha' }, { name: 'beta' }, { name: 'gamma' }]);
    const { jobs, steps } = await driveWorkflow({ gh, modelUrl: model.url, remote, eventName: 'workflow_run', ciRunId: runId, runId: runId + 1, vars: { REDGREEN_MODELS: 'm-1, m-2' }, parallel });
    const prs = (JSON.parse(steps.get('pick')?.outputs.prs ?? '[]') as string[]).length;
    if (prs !== 3) throw new Error(`expected 3 pull requests, got ${prs}: the run did not do the work it is timed on`);
    return { matrixMs: jobs.fix!.ms, cells: jobs.fix!.cells.length, prs };
  } finally {
    await Promise.all([gh.close(), model.close()]);
  }
}

const parallel = await once(true, 700);
const sequential = await once(false, 800);
await cleanupTempDirs();
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
console.log(`machine: ${cpus().length} cores (shared)`);
console.log(`six cells at once (max-parallel 6): ${s(parallel.matrixMs)}`);
console.log(`the same six one after another:    ${s(sequential.matrixMs)}`);
console.log(`ratio sequential / parallel: ${(sequential.matrixMs / parallel.matrixMs).toFixed(2)}×`);
