// The JSON the fake GitHub answers with, shaped like the REST API's objects (the fields clients read, not all of them).
import type { CommentState, GitHubState, IssueState, JobState, PullState, ReviewCommentState, RunState } from './github-state.js';

export interface Urls {
  /** REST base, e.g. http://127.0.0.1:PORT */
  api: string;
  /** Web base, e.g. http://github.localhost:PORT */
  web: string;
}

export function userJson(login: string, urls: Urls): unknown {
  return {
    login,
    id: [...login].reduce((sum, c) => sum + c.charCodeAt(0), 0),
    type: login.endsWith('[bot]') ? 'Bot' : 'User',
    html_url: `${urls.web}/${login}`,
    url: `${urls.api}/users/${encodeURIComponent(login)}`,
  };
}

function fullName(state: GitHubState): string {
  return `${state.repo.owner}/${state.repo.name}`;
}

export function repoJson(state: GitHubState, urls: Urls): unknown {
  const name = fullName(state);
  return {
    id: 4242,
    node_id: 'R_scripted',
    name: state.repo.name,
    full_name: name,
    owner: userJson(state.repo.owner, urls),
    private: state.repo.private,
    visibility: state.repo.private ? 'private' : 'public',
    fork: state.repo.fork,
    ...(state.repo.parent ? { parent: { full_name: state.repo.parent, fork: false } } : {}),
    default_branch: state.repo.defaultBranch,
    html_url: `${urls.web}/${name}`,
    url: `${urls.api}/repos/${name}`,
    clone_url: `${urls.web}/${name}.git`,
    archived: false,
    disabled: false,
    permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
  };
}

function labelJson(name: string): unknown {
  return { id: [...name].reduce((sum, c) => sum * 31 + c.charCodeAt(0), 7) % 1e9, name, color: 'ededed', default: false, description: null };
}

export function labelsJson(names: string[]): unknown[] {
  return names.map(labelJson);
}

export function pullJson(state: GitHubState, pull: PullState, urls: Urls): unknown {
  const name = fullName(state);
  const headRepo = `${pull.headOwner}/${state.repo.name}`;
  return {
    id: pull.id,
    node_id: `PR_${pull.id}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    body: pull.body,
    draft: pull.draft,
    merged: pull.merged,
    merged_at: null,
    html_url: `${urls.web}/${name}/pull/${pull.number}`,
    url: `${urls.api}/repos/${name}/pulls/${pull.number}`,
    issue_url: `${urls.api}/repos/${name}/issues/${pull.number}`,
    user: userJson(pull.user, urls),
    labels: labelsJson(pull.labels),
    requested_reviewers: pull.reviewers.map((login) => userJson(login, urls)),
    head: {
      label: `${pull.headOwner}:${pull.head}`,
      ref: pull.head,
      sha: pull.headSha,
      user: userJson(pull.headOwner, urls),
      repo: { full_name: headRepo, fork: headRepo !== name, name: state.repo.name, owner: userJson(pull.headOwner, urls) },
    },
    base: {
      label: `${state.repo.owner}:${pull.base}`,
      ref: pull.base,
      sha: '0'.repeat(40),
      user: userJson(state.repo.owner, urls),
      repo: repoJson(state, urls),
    },
    maintainer_can_modify: true,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.state === 'closed' ? pull.updatedAt : null,
  };
}

export function commentJson(state: GitHubState, comment: CommentState, urls: Urls): unknown {
  const name = fullName(state);
  return {
    id: comment.id,
    node_id: `IC_${comment.id}`,
    body: comment.body,
    user: userJson(comment.user, urls),
    html_url: `${urls.web}/${name}/${state.pulls.some((p) => p.number === comment.issue) ? 'pull' : 'issues'}/${comment.issue}#issuecomment-${comment.id}`,
    url: `${urls.api}/repos/${name}/issues/comments/${comment.id}`,
    issue_url: `${urls.api}/repos/${name}/issues/${comment.issue}`,
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
  };
}

export function runJson(state: GitHubState, run: RunState, urls: Urls): unknown {
  const name = fullName(state);
  const headRepo = run.headRepository === null ? null : (run.headRepository ?? name);
  return {
    id: run.id,
    node_id: `WFR_${run.id}`,
    name: run.name,
    display_title: run.name,
    path: run.path,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    head_branch: run.headBranch,
    head_sha: run.headSha,
    run_number: run.runNumber,
    run_attempt: run.runAttempt,
    workflow_id: 77,
    html_url: `${urls.web}/${name}/actions/runs/${run.id}`,
    url: `${urls.api}/repos/${name}/actions/runs/${run.id}`,
    jobs_url: `${urls.api}/repos/${name}/actions/runs/${run.id}/jobs`,
    logs_url: `${urls.api}/repos/${name}/actions/runs/${run.id}/logs`,
    actor: userJson(run.actor, urls),
    triggering_actor: userJson(run.actor, urls),
    pull_requests: run.pullRequests.map((number) => {
      const pull = state.pulls.find((p) => p.number === number);
      return {
        id: pull?.id ?? number,
        number,
        url: `${urls.api}/repos/${name}/pulls/${number}`,
        // GitHub gives only id, url and name of the repositories here.
        head: { ref: pull?.head ?? run.headBranch, sha: run.headSha, repo: { id: 4242, url: `${urls.api}/repos/${name}`, name: state.repo.name } },
        base: { ref: pull?.base ?? state.repo.defaultBranch, sha: '0'.repeat(40), repo: { id: 4242, url: `${urls.api}/repos/${name}`, name: state.repo.name } },
      };
    }),
    repository: { full_name: name, name: state.repo.name, owner: userJson(state.repo.owner, urls), fork: state.repo.fork },
    // GitHub sends null here once the fork the run came from is deleted.
    head_repository:
      headRepo === null
        ? null
        : {
            full_name: headRepo,
            name: headRepo.split('/')[1] ?? state.repo.name,
            owner: userJson(headRepo.split('/')[0] ?? state.repo.owner, urls),
            fork: headRepo !== name,
          },
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:05:00Z',
    run_started_at: '2026-01-01T00:00:00Z',
  };
}

export function jobJson(state: GitHubState, run: RunState, job: JobState, urls: Urls): unknown {
  const name = fullName(state);
  return {
    id: job.id,
    run_id: run.id,
    run_attempt: job.runAttempt,
    node_id: `CR_${job.id}`,
    head_sha: run.headSha,
    head_branch: run.headBranch,
    name: job.name,
    workflow_name: run.name,
    status: job.status,
    conclusion: job.conclusion,
    html_url: `${urls.web}/${name}/actions/runs/${run.id}/job/${job.id}`,
    url: `${urls.api}/repos/${name}/actions/jobs/${job.id}`,
    run_url: `${urls.api}/repos/${name}/actions/runs/${run.id}`,
    started_at: '2026-01-01T00:00:00Z',
    completed_at: job.status === 'completed' ? '2026-01-01T00:05:00Z' : null,
    labels: ['ubuntu-latest'],
    runner_name: 'GitHub Actions 1',
    steps: job.steps.map((step) => ({
      name: step.name,
      status: step.status,
      conclusion: step.conclusion,
      number: step.number,
      started_at: '2026-01-01T00:00:00Z',
      completed_at: step.status === 'completed' ? '2026-01-01T00:01:00Z' : null,
    })),
  };
}

export function issueJson(state: GitHubState, issue: IssueState, urls: Urls): unknown {
  const name = fullName(state);
  return {
    id: issue.number + 500_000,
    node_id: `I_${issue.number}`,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    user: userJson(issue.user, urls),
    labels: [],
    html_url: `${urls.web}/${name}/issues/${issue.number}`,
    url: `${urls.api}/repos/${name}/issues/${issue.number}`,
    comments_url: `${urls.api}/repos/${name}/issues/${issue.number}/comments`,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
  };
}

/** A pull request as the issues API and `issue_comment` payloads show it: an issue with a `pull_request` link. */
export function pullAsIssueJson(state: GitHubState, pull: PullState, urls: Urls): unknown {
  const name = fullName(state);
  const issue = issueJson(state, { number: pull.number, title: pull.title, body: pull.body, user: pull.user, state: pull.state }, urls) as Record<string, unknown>;
  return {
    ...issue,
    html_url: `${urls.web}/${name}/pull/${pull.number}`,
    pull_request: { url: `${urls.api}/repos/${name}/pulls/${pull.number}`, html_url: `${urls.web}/${name}/pull/${pull.number}` },
  };
}

export function reviewCommentJson(state: GitHubState, comment: ReviewCommentState, urls: Urls): unknown {
  const name = fullName(state);
  return {
    id: comment.id,
    node_id: `PRRC_${comment.id}`,
    pull_request_review_id: comment.id + 1_000_000,
    body: comment.body,
    path: comment.path,
    line: comment.line,
    side: 'RIGHT',
    ...(comment.inReplyTo === undefined ? {} : { in_reply_to_id: comment.inReplyTo }),
    user: userJson(comment.user, urls),
    html_url: `${urls.web}/${name}/pull/${comment.pull}#discussion_r${comment.id}`,
    url: `${urls.api}/repos/${name}/pulls/comments/${comment.id}`,
    pull_request_url: `${urls.api}/repos/${name}/pulls/${comment.pull}`,
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
  };
}
