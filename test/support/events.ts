// Event payloads as GitHub writes them to GITHUB_EVENT_PATH, built from the fake GitHub's state so event and API agree.
import { pullJson, repoJson, runJson, userJson, type Urls } from './github-json.js';
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
