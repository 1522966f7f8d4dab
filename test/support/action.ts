// Runs the bundled action the way the Actions runner does: INPUT_* and GITHUB_* variables, files for outputs and summary, the runtime token.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { evaluateExpressions, inputEnvName, parseOutputFile, parseWorkflowCommands, readActionInputs, runtimeToken, type WorkflowCommand } from './action-env.js';
import { runGit } from './git.js';
import { killAll, leftoverProcesses, type ProcessInfo } from './processes.js';
import { makeTempDir, repoRoot } from './tmp.js';

export { parseOutputFile, parseWorkflowCommands, readActionInputs, runtimeToken, type WorkflowCommand } from './action-env.js';

/** Credentials the harness hands out; tests grep for them where they must not appear. */
export const TestSecrets = {
  githubToken: 'ghs_TestTokenRedgreen0123456789abcdefAB',
  openaiKey: 'sk-test-RedgreenKey-0123456789abcdefghijklmnop',
} as const;

/** Environment variable every process started from the action inherits unless it is scrubbed; finds leftovers. */
const marker = 'RUN_ACTION_MARK';

export interface RunActionOptions {
  /** GITHUB_WORKSPACE and the working directory of the action. */
  workspace: string;
  /** Inputs by their action.yml names; they override the defaults. */
  inputs?: Record<string, string>;
  eventName?: string;
  /** The event payload; a minimal one for `eventName` when left out. */
  event?: object;
  /** Extra variables, applied after the runner's (they may override them). */
  env?: Record<string, string>;
  /** Sets the `openai-base-url` and `openai-api-key` inputs (the key defaults to TestSecrets.openaiKey). */
  openai?: { url: string; key?: string };
  /**
   * GITHUB_API_URL and ACTIONS_RESULTS_URL point to `url`, GITHUB_SERVER_URL to `serverUrl` (by default `url` with
   * the host github.localhost); unreachable addresses when left out, so nothing reaches the real GitHub.
   */
  github?: { url: string; serverUrl?: string };
  /** The whole process group is killed after this long; the result says timedOut. 120 s by default. */
  timeoutMs?: number;
  /** The script to run; dist/index.js by default. */
  entry?: string;
  /** Where inputs and defaults are read; action.yml at the repository root by default. */
  actionYml?: string;
  repository?: string;
  /** GITHUB_SHA; the workspace's HEAD by default. */
  sha?: string;
  /** GITHUB_REF; the workspace's branch (refs/heads/...) by default. */
  ref?: string;
  runId?: number;
  runAttempt?: number;
  actor?: string;
  /** What `${{ github.token }}` evaluates to; TestSecrets.githubToken by default. */
  token?: string;
  /** RUNNER_TEMP; a fresh folder by default. */
  runnerTemp?: string;
  /** Sets RUNNER_DEBUG=1 so core.debug lines show. */
  debug?: boolean;
  /** GITHUB_JOB: the job's key in the workflow; `redgreen` by default. */
  job?: string;
  /** Tells apart jobs of one run (matrix cells) in the artifact service's job backend id; 0 by default. */
  jobIndex?: number;
}

export interface ActionResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  /** The job summary written to GITHUB_STEP_SUMMARY. */
  summary: string;
  durationMs: number;
  /** Workflow commands from stdout (annotations, add-mask, groups). */
  commands: WorkflowCommand[];
  /** Values the action asked the runner to mask. */
  masks: string[];
  /** Processes started by the action that were still running when it exited (they have been killed). */
  leftovers: ProcessInfo[];
  /** The environment the action started with. */
  env: Record<string, string>;
  runnerTemp: string;
  /** The artifact client's ids, from the runtime token. */
  backendIds: { run: string; job: string };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

async function headOf(workspace: string): Promise<{ sha?: string; branch?: string }> {
  const sha = await runGit(workspace, ['rev-parse', 'HEAD']);
  const branch = await runGit(workspace, ['symbolic-ref', '--short', '-q', 'HEAD']);
  return {
    ...(sha.exitCode === 0 ? { sha: sha.stdout.trim() } : {}),
    ...(branch.exitCode === 0 ? { branch: branch.stdout.trim() } : {}),
  };
}

function defaultEvent(eventName: string, repository: string, ref: string, actor: string, defaultBranch: string): object {
  const [owner = 'owner', name = 'repo'] = repository.split('/');
  const repo = { full_name: repository, name, owner: { login: owner }, default_branch: defaultBranch, fork: false, private: false };
  const sender = { login: actor, type: 'User' };
  if (eventName === 'workflow_dispatch') return { inputs: {}, ref, repository: repo, sender, workflow: '.github/workflows/redgreen.yml' };
  return { repository: repo, sender };
}

export async function runAction(opts: RunActionOptions): Promise<ActionResult> {
  const entry = opts.entry ?? path.join(repoRoot, 'dist', 'index.js');
  const actionYml = opts.actionYml ?? path.join(repoRoot, 'action.yml');
  if (!(await exists(entry))) throw new Error(`no action to run at ${entry} (build it first)`);
  if (!(await exists(actionYml))) throw new Error(`no action.yml at ${actionYml}`);

  const root = await makeTempDir('action-run');
  const runnerTemp = opts.runnerTemp ?? path.join(root, 'runner-temp');
  const home = path.join(root, 'home');
  const files = path.join(root, 'files');
  await Promise.all([mkdir(runnerTemp, { recursive: true }), mkdir(home), mkdir(files)]);

  const head = await headOf(opts.workspace);
  const repository = opts.repository ?? 'owner/repo';
  const sha = opts.sha ?? head.sha ?? '0'.repeat(40);
  const ref = opts.ref ?? `refs/heads/${head.branch ?? 'main'}`;
  const eventName = opts.eventName ?? 'workflow_dispatch';
  const actor = opts.actor ?? 'octocat';
  const runId = opts.runId ?? 4242;
  const runAttempt = opts.runAttempt ?? 1;
  const token = opts.token ?? TestSecrets.githubToken;
  const backendIds = {
    run: `00000000-0000-4000-8000-${String(runId).padStart(12, '0')}`,
    job: `00000000-0000-4000-9${String(opts.jobIndex ?? 0).padStart(3, '0')}-${String(runId).padStart(12, '0')}`,
  };
  const apiUrl = opts.github?.url ?? 'http://127.0.0.1:9';
  // The artifact client takes any host but github.com, *.ghe.com and *.localhost for GHES and refuses to run.
  const serverUrl = opts.github?.serverUrl ?? (opts.github ? opts.github.url.replace('//127.0.0.1:', '//github.localhost:') : 'https://github.com');

  const eventPath = path.join(files, 'event.json');
  await writeFile(eventPath, JSON.stringify(opts.event ?? defaultEvent(eventName, repository, ref, actor, 'main'), null, 2));
  const fileCommands = {
    GITHUB_OUTPUT: path.join(files, 'output'),
    GITHUB_STEP_SUMMARY: path.join(files, 'step_summary'),
    GITHUB_ENV: path.join(files, 'env'),
    GITHUB_PATH: path.join(files, 'path'),
    GITHUB_STATE: path.join(files, 'state'),
  };
  await Promise.all(Object.values(fileCommands).map((file) => writeFile(file, '')));

  const context: Record<string, string> = {
    'github.token': token,
    'github.repository': repository,
    'github.repository_owner': repository.split('/')[0] ?? '',
    'github.sha': sha,
    'github.ref': ref,
    'github.ref_name': ref.replace(/^refs\/(heads|tags)\//, ''),
    'github.run_id': String(runId),
    'github.run_attempt': String(runAttempt),
    'github.actor': actor,
    'github.event_name': eventName,
    'github.workspace': opts.workspace,
    'github.server_url': serverUrl,
    'github.api_url': apiUrl,
    'runner.temp': runnerTemp,
  };
  const declared = await readActionInputs(actionYml);
  const given: Record<string, string> = {
    ...(opts.openai ? { 'openai-base-url': opts.openai.url, 'openai-api-key': opts.openai.key ?? TestSecrets.openaiKey } : {}),
    ...opts.inputs,
  };
  const undeclared = Object.keys(given).filter((name) => !(name in declared));
  if (undeclared.length > 0) throw new Error(`inputs not declared in ${actionYml}: ${undeclared.join(', ')}`);
  const inputEnv: Record<string, string> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const value = given[name] ?? (spec.default === undefined ? undefined : evaluateExpressions(spec.default, context));
    if (value !== undefined) inputEnv[inputEnvName(name)] = value;
  }

  const markValue = randomUUID();
  // Built from scratch, so nothing of the test process (an OPENAI_API_KEY, a GITHUB_TOKEN) leaks in.
  const env: Record<string, string> = {
    PATH: `${path.join(repoRoot, 'node_modules', '.bin')}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
    HOME: home,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: opts.workspace,
    GITHUB_REPOSITORY: repository,
    GITHUB_REPOSITORY_OWNER: context['github.repository_owner'] ?? '',
    GITHUB_SHA: sha,
    GITHUB_REF: ref,
    GITHUB_REF_NAME: context['github.ref_name'] ?? '',
    GITHUB_REF_TYPE: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    GITHUB_HEAD_REF: '',
    GITHUB_BASE_REF: '',
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_RUN_ID: String(runId),
    GITHUB_RUN_NUMBER: '7',
    GITHUB_RUN_ATTEMPT: String(runAttempt),
    GITHUB_ACTOR: actor,
    GITHUB_TRIGGERING_ACTOR: actor,
    GITHUB_WORKFLOW: 'redgreen',
    GITHUB_WORKFLOW_REF: `${repository}/.github/workflows/redgreen.yml@${ref}`,
    GITHUB_JOB: opts.job ?? 'redgreen',
    GITHUB_ACTION: '__redgreen',
    GITHUB_API_URL: apiUrl,
    GITHUB_SERVER_URL: serverUrl,
    GITHUB_GRAPHQL_URL: `${apiUrl}/graphql`,
    ...fileCommands,
    RUNNER_TEMP: runnerTemp,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'GitHub Actions 1',
    RUNNER_ENVIRONMENT: 'github-hosted',
    RUNNER_TOOL_CACHE: path.join(root, 'toolcache'),
    ...(opts.debug ? { RUNNER_DEBUG: '1' } : {}),
    ACTIONS_RUNTIME_TOKEN: runtimeToken(backendIds.run, backendIds.job),
    ACTIONS_RESULTS_URL: `${apiUrl}/`,
    ACTIONS_RUNTIME_URL: `${apiUrl}/`,
    [marker]: markValue,
    ...opts.env,
    ...inputEnv,
  };

  const node = path.join(repoRoot, 'node_modules', '.bin', 'node');
  const started = Date.now();
  // Its own process group, so a timeout can take down everything it started.
  const child = spawn((await exists(node)) ? node : process.execPath, [entry], {
    cwd: opts.workspace,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }, opts.timeoutMs ?? 120_000);
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, s) => resolve({ code: c, signal: s }));
  }).finally(() => clearTimeout(timer));
  const durationMs = Date.now() - started;
  // A process left behind may hold stdout open; the exit counts, not the pipes.
  const grace = new Promise<void>((resolve) => setTimeout(resolve, 2_000).unref());
  await Promise.race([closed, grace]);
  child.stdout.destroy();
  child.stderr.destroy();

  const leftovers = child.pid === undefined ? [] : await leftoverProcesses(marker, markValue, child.pid);
  killAll(leftovers);

  const commands = parseWorkflowCommands(stdout);
  return {
    exitCode: code,
    signal,
    timedOut,
    stdout,
    stderr,
    outputs: parseOutputFile(await readFile(fileCommands.GITHUB_OUTPUT, 'utf8')),
    summary: await readFile(fileCommands.GITHUB_STEP_SUMMARY, 'utf8'),
    durationMs,
    commands,
    masks: commands.filter((c) => c.command === 'add-mask').map((c) => c.message),
    leftovers,
    env,
    runnerTemp,
    backendIds,
  };
}
