// A git smart-HTTP server on 127.0.0.1 (real `git http-backend` behind node:http) that demands one exact Authorization header.
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isolatedEnv } from './repo.js';

export interface SeenRequest {
  method: string;
  url: string;
  /** Every Authorization header of the request, as sent. */
  authorizations: string[];
}

export interface GitHttpServer {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** Serves the repositories under `projectRoot`; answers 401 unless the request carries exactly `basic base64(x-access-token:token)`. */
export async function startGitHttpServer(projectRoot: string, token: string): Promise<GitHttpServer> {
  const expected = Buffer.from(`x-access-token:${token}`).toString('base64');
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const authorizations: string[] = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      if (req.rawHeaders[i]?.toLowerCase() === 'authorization') authorizations.push(req.rawHeaders[i + 1] ?? '');
    }
    seen.push({ method: req.method ?? '', url: req.url ?? '', authorizations });
    const [scheme, credentials] = (authorizations[0] ?? '').split(/\s+/);
    if (authorizations.length !== 1 || scheme?.toLowerCase() !== 'basic' || credentials !== expected) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="test"' }).end('unauthorized\n');
      req.resume();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const cgi = spawn('git', ['http-backend'], {
      env: {
        ...isolatedEnv,
        GIT_PROJECT_ROOT: projectRoot,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        HTTP_GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        // A set REMOTE_USER is what lets http-backend accept pushes.
        REMOTE_USER: 'x-access-token',
        REMOTE_ADDR: '127.0.0.1',
      },
    });
    req.pipe(cgi.stdin);
    const out: Buffer[] = [];
    cgi.stdout.on('data', (b: Buffer) => out.push(b));
    cgi.stderr.resume();
    cgi.on('close', () => {
      const raw = Buffer.concat(out);
      const split = raw.indexOf('\r\n\r\n');
      const headerText = raw.subarray(0, split).toString('utf8');
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of headerText.split('\r\n')) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else if (name) headers[name] = value;
      }
      res.writeHead(status, headers).end(raw.subarray(split + 4));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
