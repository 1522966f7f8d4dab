// Event payloads as GitHub writes them to GITHUB_EVENT_PATH, built from the fake GitHub's state so event and API agree.
import { commentJson, issueJson, pullAsIssueJson, pullJson, repoJson, reviewCommentJson, runJson, userJson, type Urls } from './github-json.js';
import type { GitHubServer } from './github-server.js';

function urlsOf(gh: GitHubServer): Urls {
  return { api: gh.url, web: gh.serverUrl };
}

/** `workflow_run` (completed) for a run already in the fake's state. */
export function workflowRunEvent(gh: GitHubServer, runId: number, sender = 'octocat'): object {
  const run = gh.state.runs.find((r) => r.id === runId);
  if (!run) throw new Error(`no run ${runId} in the fake GitHub's state`);
  const urls = urlsOf(gh);
  return {
    action: 'completed',
    workflow_run: runJson(gh.state, run, urls),
    workflow: { id: 77, name: run.name, path: run.path, state: 'active' },
    repository: repoJson(gh.state, urls),
    sender: userJson(sender, urls),
  };
}

/** `workflow_dispatch`, with the workflow's inputs (e.g. a prompt). */
export function workflowDispatchEvent(gh: GitHubServer, inputs: Record<string, string> = {}, ref = 'refs/heads/main', sender = 'octocat'): object {
  const urls = urlsOf(gh);
  return {
    inputs,
    ref,
    repository: repoJson(gh.state, urls),
    sender: userJson(sender, urls),
    workflow: '.github/workflows/redgreen.yml',
  };
}

/** `schedule`: GitHub sends only the cron expression. */
export function scheduleEvent(cron = '0 3 * * *'): object {
  return { schedule: cron };
}

/** `pull_request` for a pull already in the fake's state. */
export function pullRequestEvent(gh: GitHubServer, number: number, action = 'synchronize', sender = 'octocat'): object {
  const pull = gh.state.pulls.find((p) => p.number === number);
  if (!pull) throw new Error(`no pull ${number} in the fake GitHub's state`);
  const urls = urlsOf(gh);
  return {
    action,
    number,
    pull_request: pullJson(gh.state, pull, urls),
    repository: repoJson(gh.state, urls),
    sender: userJson(sender, urls),
  };
}

/** `issue_comment` (created) for a comment already in the fake's state, on an issue or a pull request. */
export function issueCommentEvent(gh: GitHubServer, commentId: number, action = 'created'): object {
  const comment = gh.state.comments.find((c) => c.id === commentId);
  if (!comment) throw new Error(`no comment ${commentId} in the fake GitHub's state`);
  const urls = urlsOf(gh);
  const issue = gh.state.issues.find((i) => i.number === comment.issue);
  const pull = gh.state.pulls.find((p) => p.number === comment.issue);
  if (!issue && !pull) throw new Error(`no issue or pull ${comment.issue} in the fake GitHub's state`);
  return {
    action,
    issue: issue ? issueJson(gh.state, issue, urls) : pullAsIssueJson(gh.state, pull!, urls),
    comment: commentJson(gh.state, comment, urls),
    repository: repoJson(gh.state, urls),
    sender: userJson(comment.user, urls),
  };
}

/** `pull_request_review_comment` (created) for a review comment already in the fake's state. */
export function reviewCommentEvent(gh: GitHubServer, commentId: number, action = 'created'): object {
  const comment = gh.state.reviewComments.find((c) => c.id === commentId);
  if (!comment) throw new Error(`no review comment ${commentId} in the fake GitHub's state`);
  const pull = gh.state.pulls.find((p) => p.number === comment.pull);
  if (!pull) throw new Error(`no pull ${comment.pull} in the fake GitHub's state`);
  const urls = urlsOf(gh);
  return {
    action,
    comment: reviewCommentJson(gh.state, comment, urls),
    pull_request: pullJson(gh.state, pull, urls),
    repository: repoJson(gh.state, urls),
    sender: userJson(comment.user, urls),
  };
}

/** `issues` (opened) for an issue already in the fake's state. */
export function issueOpenedEvent(gh: GitHubServer, number: number): object {
  const issue = gh.state.issues.find((i) => i.number === number);
  if (!issue) throw new Error(`no issue ${number} in the fake GitHub's state`);
  const urls = urlsOf(gh);
  return { action: 'opened', issue: issueJson(gh.state, issue, urls), repository: repoJson(gh.state, urls), sender: userJson(issue.user, urls) };
}
