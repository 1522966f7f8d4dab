// What the fake GitHub knows: one repository, its pulls, comments, workflow runs, files, artifacts and injected faults.

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface RepoState {
  owner: string;
  name: string;
  defaultBranch: string;
  private: boolean;
  fork: boolean;
  /** "owner/name" of the parent, for a fork. */
  parent?: string;
}

export interface PullState {
  number: number;
  id: number;
  state: 'open' | 'closed';
  title: string;
  body: string | null;
  draft: boolean;
  /** Branch name of the head. */
  head: string;
  /** Owner of the head repository ("owner" of `owner:branch`). */
  headOwner: string;
  headSha: string;
  base: string;
  labels: string[];
  reviewers: string[];
  merged: boolean;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface CommentState {
  id: number;
  issue: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface IssueState {
  number: number;
  title: string;
  body: string | null;
  user: string;
  state: 'open' | 'closed';
}

/** A comment on a line of a pull request's diff; replies name the thread's first comment. */
export interface ReviewCommentState {
  id: number;
  pull: number;
  body: string;
  user: string;
  path: string;
  line: number;
  inReplyTo?: number;
  createdAt: string;
  updatedAt: string;
}

export interface ReactionState {
  id: number;
  /** What it is on: an issue (or pull) by number, an issue comment or a review comment by id. */
  subject: 'issue' | 'issue-comment' | 'review-comment';
  subjectId: number;
  content: string;
  user: string;
}

export interface StepState {
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'cancelled' | 'skipped' | null;
  number: number;
}

export interface JobState {
  id: number;
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'cancelled' | 'skipped' | null;
  steps: StepState[];
  /** Plain-text log served behind the logs redirect; undefined gives 404 (expired). */
  log?: string;
  runAttempt: number;
}

export interface RunState {
  id: number;
  name: string;
  /** Workflow file, e.g. ".github/workflows/ci.yml". */
  path: string;
  event: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'cancelled' | null;
  headBranch: string;
  headSha: string;
  /** "owner/name" the head commit came from; differs from the repository for a fork PR; null once that fork is deleted. */
  headRepository?: string | null;
  runAttempt: number;
  runNumber: number;
  actor: string;
  pullRequests: number[];
  jobs: JobState[];
}

export interface Fault {
  /** Any method when left out. */
  method?: string;
  /** Exact pathname (no query) or a pattern tested against it. */
  path: string | RegExp;
  /** A status to answer with, or 'drop' to destroy the connection. */
  status: number | 'drop';
  /** How many matching requests fail; 1 when left out. */
  times?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ArtifactState {
  id: number;
  name: string;
  runBackendId: string;
  jobBackendId: string;
  /** Size the client declared in FinalizeArtifact. */
  size: number;
  /** The bytes uploaded (the zip), once the blob was committed. */
  zip: Buffer;
  /** "sha256:<hex>" as the client declared it. */
  digest?: string;
  finalized: boolean;
  createdAt: string;
  /** Staged Azure blocks by block id, until the block list is committed. */
  blocks: Map<string, Buffer>;
  committed: boolean;
  /** The `sig` of the signed URL handed out; uploads without it are refused. */
  sig: string;
}

export interface GitHubState {
  repo: RepoState;
  /** When set, REST calls must carry this token (`token X` or `Bearer X`), else 401 Bad credentials. */
  token?: string;
  /** Login the token belongs to; authors pulls and comments. */
  tokenUser: string;
  permissions: Record<string, Permission>;
  /** Permission of users not listed (GitHub answers "read" for anyone on a public repository). */
  defaultPermission: Permission;
  pulls: PullState[];
  /** Issues that are not pull requests; pulls and issues share one number sequence. */
  issues: IssueState[];
  comments: CommentState[];
  reviewComments: ReviewCommentState[];
  reactions: ReactionState[];
  runs: RunState[];
  /** File contents keyed `<ref>:<path>`, served by the contents API. */
  files: Record<string, string>;
  /** A bare git repository standing for the repository: branches are checked and files read from it. */
  remote?: string;
  artifacts: ArtifactState[];
  faults: Fault[];
  nextId: number;
}

export type PullInit = Partial<PullState> & { head: string };
export type JobInit = Partial<Omit<JobState, 'steps'>> & { name: string; steps?: (Partial<StepState> & { name: string })[] };
export type RunInit = Partial<Omit<RunState, 'jobs'>> & { id: number; jobs?: JobInit[] };

export interface GitHubStateInit {
  repo?: Partial<RepoState>;
  token?: string;
  tokenUser?: string;
  permissions?: Record<string, Permission>;
  defaultPermission?: Permission;
  pulls?: PullInit[];
  issues?: (Partial<IssueState> & { number: number })[];
  comments?: (Partial<CommentState> & { issue: number; body: string })[];
  reviewComments?: (Partial<ReviewCommentState> & { pull: number; body: string })[];
  runs?: RunInit[];
  files?: Record<string, string>;
  remote?: string;
  faults?: Fault[];
}

const epoch = '2026-01-01T00:00:00Z';

export function createState(init: GitHubStateInit = {}): GitHubState {
  let nextId = 1000;
  const id = () => nextId++;
  const repo: RepoState = { owner: 'owner', name: 'repo', defaultBranch: 'main', private: false, fork: false, ...init.repo };
  const pulls = (init.pulls ?? []).map((p, i): PullState => ({
    number: i + 1,
    id: id(),
    state: 'open',
    title: `PR ${i + 1}`,
    body: null,
    draft: false,
    headOwner: repo.owner,
    headSha: '0'.repeat(40),
    base: repo.defaultBranch,
    labels: [],
    reviewers: [],
    merged: false,
    user: 'someone',
    createdAt: epoch,
    updatedAt: epoch,
    ...p,
  }));
  const runs = (init.runs ?? []).map(
    (r): RunState => ({
      name: 'CI',
      path: '.github/workflows/ci.yml',
      event: 'push',
      status: 'completed',
      conclusion: 'failure',
      headBranch: repo.defaultBranch,
      headSha: '0'.repeat(40),
      runAttempt: 1,
      runNumber: r.id,
      actor: 'octocat',
      pullRequests: [],
      ...r,
      jobs: (r.jobs ?? []).map((j) => ({
        id: id(),
        status: 'completed',
        conclusion: 'failure',
        runAttempt: r.runAttempt ?? 1,
        ...j,
        steps: (j.steps ?? []).map((s, k) => ({ status: 'completed', conclusion: 'success', number: k + 1, ...s })),
      })),
    }),
  );
  const comments = (init.comments ?? []).map(
    (c): CommentState => ({ id: id(), user: 'someone', createdAt: epoch, updatedAt: epoch, ...c }),
  );
  const issues = (init.issues ?? []).map((i): IssueState => ({ title: `Issue ${i.number}`, body: null, user: 'someone', state: 'open', ...i }));
  const reviewComments = (init.reviewComments ?? []).map(
    (c): ReviewCommentState => ({ id: id(), user: 'someone', path: 'README.md', line: 1, createdAt: epoch, updatedAt: epoch, ...c }),
  );
  return {
    repo,
    ...(init.token === undefined ? {} : { token: init.token }),
    tokenUser: init.tokenUser ?? 'github-actions[bot]',
    permissions: { ...init.permissions },
    defaultPermission: init.defaultPermission ?? 'read',
    pulls,
    issues,
    comments,
    reviewComments,
    reactions: [],
    runs,
    files: { ...init.files },
    ...(init.remote === undefined ? {} : { remote: init.remote }),
    artifacts: [],
    faults: [...(init.faults ?? [])],
    nextId,
  };
}

export function takeId(state: GitHubState): number {
  const value = state.nextId;
  state.nextId += 1;
  return value;
}

export function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}
