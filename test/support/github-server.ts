// A fake GitHub on 127.0.0.1: the REST routes an action calls through Octokit, plus the Actions artifact service, with recording and faults.
import http from 'node:http';
import { artifactRoutes, isBlobPath, zipEntries } from './artifact-service.js';
import { closeServer, drop, listen, readBody, recordRequest, send, type RecordedHttpRequest, type Reply } from './http.js';
import { conversationRoutes } from './github-issues.js';
import { repoRoutes } from './github-rest.js';
import { notFound, type Route } from './github-routing.js';
import { runRoutes } from './github-runs.js';
import { createState, type ArtifactState, type Fault, type GitHubState, type GitHubStateInit } from './github-state.js';

export type { RecordedHttpRequest } from './http.js';
export type * from './github-state.js';
export { zipEntries } from './artifact-service.js';

export interface GitHubServer {
  /** REST base URL (GITHUB_API_URL) and artifact service URL (ACTIONS_RESULTS_URL): http://127.0.0.1:PORT */
  url: string;
  /**
   * Web URL for GITHUB_SERVER_URL: http://github.localhost:PORT. The artifact client refuses to run
   * (it takes the host for GHES) unless the host is github.com, *.ghe.com or *.localhost.
   */
  serverUrl: string;
  /** Live state: tests may change it between requests (add faults, runs, files). */
  state: GitHubState;
  /** Every request in arrival order, authorization headers and bodies included. */
  requests: RecordedHttpRequest[];
  /** Requests no route answered (they got 404). */
  readonly unhandled: RecordedHttpRequest[];
  /** Errors thrown inside the fake (the client got a 500); a test should expect this empty. */
  errors: string[];
  /** The newest finalized artifact with this name; throws when there is none. */
  artifact(name: string): ArtifactState;
  /** The files inside the newest finalized artifact with this name, by path. */
  artifactFiles(name: string): Record<string, Buffer>;
  close(): Promise<void>;
}

const routes: Route[] = [...repoRoutes, ...conversationRoutes, ...runRoutes, ...artifactRoutes];

function matchFault(faults: Fault[], method: string, pathname: string): Fault | undefined {
  const index = faults.findIndex(
    (f) =>
      (f.method === undefined || f.method.toUpperCase() === method) &&
      (typeof f.path === 'string' ? f.path === pathname : f.path.test(pathname)),
  );
  if (index < 0) return undefined;
  const fault = faults[index];
  if (!fault) return undefined;
  const left = (fault.times ?? 1) - 1;
  if (left <= 0) faults.splice(index, 1);
  else faults[index] = { ...fault, times: left };
  return fault;
}

function authorized(state: GitHubState, header: string | undefined): boolean {
  if (state.token === undefined) return true;
  return header === `token ${state.token}` || header === `Bearer ${state.token}` || header === `bearer ${state.token}`;
}

export async function startGitHubServer(init: GitHubStateInit = {}): Promise<GitHubServer> {
  const state = createState(init);
  const requests: RecordedHttpRequest[] = [];
  const errors: string[] = [];
  const urls = { api: '', web: '' };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const record = recordRequest(requests.length, req, body, { binary: isBlobPath(pathname) });
    requests.push(record);
    const answer = (reply: Reply) => {
      record.status = reply.status;
      send(res, reply);
    };

    let params: Record<string, string> = {};
    const found = routes.find((r) => {
      if (r.method !== record.method) return false;
      const match = r.pattern.exec(record.pathname);
      if (!match) return false;
      params = Object.fromEntries(Object.entries(match.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]));
      return true;
    });
    record.route = found?.name ?? null;

    const fault = matchFault(state.faults, record.method, record.pathname);
    if (fault) {
      if (fault.status === 'drop') {
        drop(req, res);
        return;
      }
      answer({
        status: fault.status,
        json: fault.body ?? { message: fault.status >= 500 ? 'Server Error' : `Injected ${fault.status}`, status: String(fault.status) },
        ...(fault.headers ? { headers: fault.headers } : {}),
      });
      return;
    }
    if (!found) {
      answer(notFound());
      return;
    }
    if (found.rest && !authorized(state, record.headers['authorization'])) {
      answer({ status: 401, json: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' } });
      return;
    }
    const reply = await found.handle({ state, urls, params, pathname: record.pathname, query: record.query, headers: record.headers, json: record.json, body });
    answer(reply);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      errors.push(message);
      if (!res.headersSent) send(res, { status: 500, json: { message: `fake GitHub failed: ${message}` } });
    });
  });
  const port = await listen(server);
  urls.api = `http://127.0.0.1:${port}`;
  urls.web = `http://github.localhost:${port}`;

  const artifact = (name: string): ArtifactState => {
    const found = state.artifacts.filter((a) => a.finalized && a.name === name).at(-1);
    if (!found) {
      const names = state.artifacts.map((a) => `${a.name}${a.finalized ? '' : ' (not finalized)'}`);
      throw new Error(`no finalized artifact named ${name}; artifacts: ${names.join(', ') || 'none'}`);
    }
    return found;
  };

  return {
    url: urls.api,
    serverUrl: urls.web,
    state,
    requests,
    errors,
    get unhandled() {
      return requests.filter((r) => r.route === null);
    },
    artifact,
    artifactFiles: (name) => zipEntries(artifact(name).zip),
    close: () => closeServer(server),
  };
}
