// A fake of the Actions results service on 127.0.0.1: twirp CreateArtifact/FinalizeArtifact and the Azure block blob upload.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

const Create = z.object({ workflow_run_backend_id: z.string(), workflow_job_run_backend_id: z.string(), name: z.string() });
const Finalize = Create.extend({ size: z.string() });

export interface ResultsService {
  url: string;
  /** What each finalized artifact held: its name and the zip bytes. */
  artifacts: Array<{ id: number; name: string; zip: Buffer; backendIds: [string, string] }>;
  /** Reply to CreateArtifact with this status and twirp error instead of accepting. */
  reject?: { status: number; msg: string };
  close(): Promise<void>;
}

/** A runtime token whose `scp` claim carries the backend ids, as the real runner's does. */
export function runtimeToken(runId = 'run-backend-id', jobId = 'job-backend-id'): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ scp: `Actions.GenericRead Actions.Results:${runId}:${jobId}` })}.sig`;
}

export async function startResultsService(): Promise<ResultsService> {
  const blocks = new Map<string, Buffer>();
  const pending = new Map<string, { name: string; ids: [string, string]; zip?: Buffer }>();
  const service: ResultsService = { url: '', artifacts: [], close: async () => undefined };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const json = (status: number, value: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));

      if (url.pathname.endsWith('/CreateArtifact')) {
        if (service.reject) return json(service.reject.status, { code: 'permission_denied', msg: service.reject.msg });
        const input = Create.parse(JSON.parse(body.toString('utf8')));
        const key = `k${pending.size}`;
        pending.set(key, { name: input.name, ids: [input.workflow_run_backend_id, input.workflow_job_run_backend_id] });
        return json(200, { ok: true, signed_upload_url: `${service.url}/devstoreaccount1/artifacts/${key}.zip?sig=signature` });
      }
      if (url.pathname.endsWith('/FinalizeArtifact')) {
        const input = Finalize.parse(JSON.parse(body.toString('utf8')));
        const entry = [...pending.values()].find((p) => p.name === input.name && p.zip);
        if (!entry?.zip) return json(404, { code: 'not_found', msg: 'no upload' });
        const id = 100 + service.artifacts.length;
        service.artifacts.push({ id, name: entry.name, zip: entry.zip, backendIds: entry.ids });
        return json(200, { ok: true, artifact_id: String(id) });
      }
      const blob = /^\/devstoreaccount1\/artifacts\/(k\d+)\.zip$/.exec(url.pathname);
      if (blob?.[1] && req.method === 'PUT') {
        const comp = url.searchParams.get('comp');
        if (comp === 'block') blocks.set(url.searchParams.get('blockid') ?? '', body);
        else if (comp === 'blocklist') {
          const ids = [...body.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]+)<\//g)].map((m) => m[1] ?? '');
          const entry = pending.get(blob[1]);
          if (entry) entry.zip = Buffer.concat(ids.map((id) => blocks.get(id) ?? Buffer.alloc(0)));
        } else {
          const entry = pending.get(blob[1]);
          if (entry) entry.zip = body;
        }
        return res.writeHead(201, { 'x-ms-request-id': 'r', 'x-ms-version': '2024-05-04', etag: '"e"' }).end();
      }
      json(404, { msg: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  service.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  service.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return service;
}
