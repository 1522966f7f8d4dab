// The Actions artifact service as @actions/artifact v6 sees it: twirp JSON at ACTIONS_RESULTS_URL and Azure block blob uploads to a signed URL.
import { randomBytes } from 'node:crypto';
import AdmZip from 'adm-zip';
import { z } from 'zod';
import type { Reply } from './http.js';
import type { Route, RouteContext } from './github-routing.js';
import { now, takeId, type ArtifactState, type GitHubState } from './github-state.js';

const service = 'github.actions.results.api.v1.ArtifactService';

/** Twirp errors carry `code` and `msg`; the client shows `msg` and retries only 429/5xx. */
function twirpError(status: number, code: string, msg: string): Reply {
  return { status, json: { code, msg } };
}

const ids = {
  workflow_run_backend_id: z.string().min(1),
  workflow_job_run_backend_id: z.string().min(1),
};

const createSchema = z.object({
  ...ids,
  name: z.string().min(1),
  version: z.number().optional(),
  expires_at: z.string().optional(),
  mime_type: z.string().optional(),
});
const finalizeSchema = z.object({ ...ids, name: z.string().min(1), size: z.string().regex(/^\d+$/), hash: z.string().optional() });
const listSchema = z.object({ ...ids, name_filter: z.string().optional(), id_filter: z.string().optional() });
const byNameSchema = z.object({ ...ids, name: z.string().min(1) });

function blobUrl(ctx: RouteContext, artifact: ArtifactState, write: boolean): string {
  const expiry = new Date(Date.now() + 3_600_000).toISOString();
  const permissions = write ? 'cw' : 'r';
  return `${ctx.urls.api}/_blob/${artifact.id}/artifact.zip?sv=2025-05-05&se=${encodeURIComponent(expiry)}&sr=b&sp=${permissions}&sig=${encodeURIComponent(artifact.sig)}`;
}

function parse<T>(schema: z.ZodType<T>, json: unknown): T | Reply {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  return twirpError(400, 'invalid_argument', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
}

function isReply(value: unknown): value is Reply {
  return typeof value === 'object' && value !== null && 'status' in value && typeof (value as Reply).status === 'number';
}

function finalizedIn(state: GitHubState, runBackendId: string): ArtifactState[] {
  return state.artifacts.filter((a) => a.finalized && a.runBackendId === runBackendId);
}

function createArtifact(ctx: RouteContext): Reply {
  const input = parse(createSchema, ctx.json);
  if (isReply(input)) return input;
  const taken = ctx.state.artifacts.some((a) => a.runBackendId === input.workflow_run_backend_id && a.name === input.name);
  if (taken) return twirpError(409, 'already_exists', 'an artifact with this name already exists on the workflow run');
  const artifact: ArtifactState = {
    id: takeId(ctx.state),
    name: input.name,
    runBackendId: input.workflow_run_backend_id,
    jobBackendId: input.workflow_job_run_backend_id,
    size: 0,
    zip: Buffer.alloc(0),
    finalized: false,
    createdAt: now(),
    blocks: new Map(),
    committed: false,
    sig: randomBytes(18).toString('base64url'),
  };
  ctx.state.artifacts.push(artifact);
  return { status: 200, json: { ok: true, signed_upload_url: blobUrl(ctx, artifact, true) } };
}

function finalizeArtifact(ctx: RouteContext): Reply {
  const input = parse(finalizeSchema, ctx.json);
  if (isReply(input)) return input;
  const artifact = ctx.state.artifacts.find(
    (a) => a.runBackendId === input.workflow_run_backend_id && a.name === input.name && !a.finalized,
  );
  if (!artifact) return twirpError(404, 'not_found', `artifact ${input.name} not found or already finalized`);
  if (!artifact.committed) return twirpError(412, 'failed_precondition', `no content was uploaded for artifact ${input.name}`);
  artifact.size = Number(input.size);
  if (input.hash !== undefined) artifact.digest = input.hash;
  artifact.finalized = true;
  return { status: 200, json: { ok: true, artifact_id: String(artifact.id) } };
}

function listArtifacts(ctx: RouteContext): Reply {
  const input = parse(listSchema, ctx.json);
  if (isReply(input)) return input;
  const artifacts = finalizedIn(ctx.state, input.workflow_run_backend_id)
    .filter((a) => input.name_filter === undefined || a.name === input.name_filter)
    .filter((a) => input.id_filter === undefined || String(a.id) === input.id_filter)
    .map((a) => ({
      workflow_run_backend_id: a.runBackendId,
      workflow_job_run_backend_id: a.jobBackendId,
      database_id: String(a.id),
      name: a.name,
      size: String(a.size),
      created_at: a.createdAt,
      ...(a.digest === undefined ? {} : { digest: a.digest }),
    }));
  return { status: 200, json: { artifacts } };
}

function signedUrl(ctx: RouteContext): Reply {
  const input = parse(byNameSchema, ctx.json);
  if (isReply(input)) return input;
  const artifact = finalizedIn(ctx.state, input.workflow_run_backend_id).find((a) => a.name === input.name);
  if (!artifact) return twirpError(404, 'not_found', `artifact ${input.name} not found`);
  return { status: 200, json: { signed_url: blobUrl(ctx, artifact, false) } };
}

function deleteArtifact(ctx: RouteContext): Reply {
  const input = parse(byNameSchema, ctx.json);
  if (isReply(input)) return input;
  const artifact = finalizedIn(ctx.state, input.workflow_run_backend_id).find((a) => a.name === input.name);
  if (!artifact) return twirpError(404, 'not_found', `artifact ${input.name} not found`);
  ctx.state.artifacts = ctx.state.artifacts.filter((a) => a !== artifact);
  return { status: 200, json: { ok: true, artifact_id: String(artifact.id) } };
}

function storageError(status: number, code: string, message: string): Reply {
  return {
    status,
    text: `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    headers: { 'content-type': 'application/xml', 'x-ms-error-code': code },
  };
}

function blobHeaders(): Record<string, string> {
  return {
    etag: `"0x8DE${randomBytes(6).toString('hex').toUpperCase()}"`,
    'last-modified': new Date().toUTCString(),
    'x-ms-request-id': randomBytes(8).toString('hex'),
    'x-ms-version': '2025-05-05',
    'x-ms-request-server-encrypted': 'true',
  };
}

function findBlob(ctx: RouteContext): ArtifactState | Reply {
  const artifact = ctx.state.artifacts.find((a) => String(a.id) === ctx.params['id']);
  if (!artifact) return storageError(404, 'BlobNotFound', 'The specified blob does not exist.');
  if (ctx.query['sig'] !== artifact.sig) {
    return storageError(403, 'AuthenticationFailed', 'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.');
  }
  return artifact;
}

function putBlob(ctx: RouteContext): Reply {
  const artifact = findBlob(ctx);
  if (isReply(artifact)) return artifact;
  if (artifact.finalized) return storageError(409, 'BlobImmutableDueToPolicy', 'This operation is not permitted as the blob is immutable.');
  const comp = ctx.query['comp'];
  if (comp === 'block') {
    const blockId = ctx.query['blockid'];
    if (!blockId) return storageError(400, 'InvalidQueryParameterValue', 'blockid is missing.');
    artifact.blocks.set(blockId, ctx.body);
    return { status: 201, headers: blobHeaders() };
  }
  if (comp === 'blocklist') {
    const text = ctx.body.toString('utf8');
    const wanted = [...text.matchAll(/<(Latest|Committed|Uncommitted)>([^<]*)<\/\1>/g)].map((m) => m[2] ?? '');
    const parts: Buffer[] = [];
    for (const id of wanted) {
      const block = artifact.blocks.get(id);
      if (!block) return storageError(400, 'InvalidBlockList', 'The specified block list is invalid.');
      parts.push(block);
    }
    artifact.zip = Buffer.concat(parts);
    artifact.blocks.clear();
    artifact.committed = true;
    return { status: 201, headers: blobHeaders() };
  }
  if (comp === undefined && (ctx.headers['x-ms-blob-type'] ?? '').toLowerCase() === 'blockblob') {
    artifact.zip = ctx.body;
    artifact.committed = true;
    return { status: 201, headers: blobHeaders() };
  }
  return storageError(400, 'UnsupportedQueryParameter', `unsupported blob operation comp=${comp ?? ''}`);
}

function getBlob(ctx: RouteContext): Reply {
  const artifact = findBlob(ctx);
  if (isReply(artifact)) return artifact;
  if (!artifact.committed) return storageError(404, 'BlobNotFound', 'The specified blob does not exist.');
  return { status: 200, body: artifact.zip, headers: { ...blobHeaders(), 'content-type': 'application/zip' } };
}

function twirp(name: string, handle: Route['handle']): Route {
  return { name: `artifact.${name}`, method: 'POST', pattern: new RegExp(`^/twirp/${service.replace(/\./g, '\\.')}/${name}$`), rest: false, handle };
}

export const artifactRoutes: Route[] = [
  twirp('CreateArtifact', createArtifact),
  twirp('FinalizeArtifact', finalizeArtifact),
  twirp('ListArtifacts', listArtifacts),
  twirp('GetSignedArtifactURL', signedUrl),
  twirp('DeleteArtifact', deleteArtifact),
  { name: 'blob.put', method: 'PUT', pattern: /^\/_blob\/(?<id>\d+)\/artifact\.zip$/, rest: false, handle: putBlob },
  { name: 'blob.get', method: 'GET', pattern: /^\/_blob\/(?<id>\d+)\/artifact\.zip$/, rest: false, handle: getBlob },
];

export function isBlobPath(pathname: string): boolean {
  return pathname.startsWith('/_blob/');
}

/** The files inside a zip, by path. */
export function zipEntries(zip: Buffer): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (const entry of new AdmZip(zip).getEntries()) {
    if (!entry.isDirectory) files[entry.entryName] = entry.getData();
  }
  return files;
}
