// Shared bits of the GitHub tests: fixture paths and a runner-like environment.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/github/${name}`, import.meta.url));
}

export function fixtureText(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}

/** The variables the runner sets for a job, for the given event. */
export function runnerEnv(eventName: string, eventFile: string | undefined, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: eventName,
    GITHUB_REPOSITORY: 'acme/widgets',
    GITHUB_SHA: 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_ACTOR: 'octocat',
    GITHUB_TRIGGERING_ACTOR: 'octocat',
    GITHUB_RUN_ID: '10812399999',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_WORKFLOW_REF: 'acme/widgets/.github/workflows/redgreen.yml@refs/heads/main',
    GITHUB_JOB: 'fix',
    GITHUB_WORKSPACE: '/home/runner/work/widgets/widgets',
    ...extra,
  };
  if (eventFile) env.GITHUB_EVENT_PATH = fixturePath(eventFile);
  return env;
}
