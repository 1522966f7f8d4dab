// The fake artifact service at the wire level: twirp calls, signed blob URLs, single-shot uploads, refusals and dropped connections.
import AdmZip from 'adm-zip';
import { afterEach, describe, expect, it } from 'vitest';
import { startGitHubServer, type GitHubServer } from '../../support/github-server.js';

let gh: GitHubServer | undefined;
afterEach(async () => {
  await gh?.close();
  gh = undefined;
});

const ids = { workflow_run_backend_id: 'run-1', workflow_job_run_backend_id: 'job-1' };

async function twirp(server: GitHubServer, method: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/twirp/github.actions.results.api.v1.ArtifactService/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer runtime' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

function zipOf(files: Record<string, string>): Buffer {
  const zip = new AdmZip();
  for (const [name, content] of Object.entries(files)) zip.addFile(name, Buffer.from(content));
  return zip.toBuffer();
}

describe('artifact service', () => {
  it('accepts a single-shot block blob upload to the signed URL, and only with its signature', async () => {
    gh = await startGitHubServer();
    const created = await twirp(gh, 'CreateArtifact', { ...ids, name: 'evidence', version: 7 });
    expect(created.status).toBe(200);
    const signed = String(created.json['signed_upload_url']);
    expect(new URL(signed).searchParams.get('sig')).toBeTruthy();

    const forged = signed.replace(/sig=[^&]+/, 'sig=forged');
    const refused = await fetch(forged, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'x' });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('<Code>AuthenticationFailed</Code>');

    const zip = zipOf({ 'logs/01.log': 'FAIL\n' });
    const put = await fetch(signed, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: zip });
    expect(put.status).toBe(201);
    const finalized = await twirp(gh, 'FinalizeArtifact', { ...ids, name: 'evidence', size: String(zip.length) });
    expect(finalized.json).toEqual({ ok: true, artifact_id: String(gh.artifact('evidence').id) });
    expect(gh.artifactFiles('evidence')['logs/01.log']?.toString()).toBe('FAIL\n');

    const listed = await twirp(gh, 'ListArtifacts', { ...ids, name_filter: 'evidence' });
    expect(listed.json['artifacts']).toMatchObject([{ name: 'evidence', size: String(zip.length), database_id: finalized.json['artifact_id'] }]);
    const url = await twirp(gh, 'GetSignedArtifactURL', { ...ids, name: 'evidence' });
    const download = await fetch(String(url.json['signed_url']));
    expect(Buffer.from(await download.arrayBuffer()).equals(zip)).toBe(true);
  });

  it('answers twirp errors the way the client reads them', async () => {
    gh = await startGitHubServer();
    expect((await twirp(gh, 'CreateArtifact', { name: 'no-ids' })).json['code']).toBe('invalid_argument');
    const created = await twirp(gh, 'CreateArtifact', { ...ids, name: 'evidence' });
    const early = await twirp(gh, 'FinalizeArtifact', { ...ids, name: 'evidence', size: '0' });
    expect(early.status).toBe(412);
    const again = await twirp(gh, 'CreateArtifact', { ...ids, name: 'evidence' });
    expect(again).toEqual({ status: 409, json: { code: 'already_exists', msg: 'an artifact with this name already exists on the workflow run' } });
    expect((await twirp(gh, 'DeleteArtifact', { ...ids, name: 'missing' })).status).toBe(404);
    expect(created.status).toBe(200);
    expect(() => gh?.artifact('evidence')).toThrow(/not finalized/);
  });

  it('can drop the connection or fail a route through faults', async () => {
    gh = await startGitHubServer({
      faults: [
        { path: /CreateArtifact$/, status: 'drop' },
        { path: /CreateArtifact$/, status: 503, body: { code: 'unavailable', msg: 'try later' } },
      ],
    });
    await expect(twirp(gh, 'CreateArtifact', { ...ids, name: 'a' })).rejects.toThrow();
    expect(await twirp(gh, 'CreateArtifact', { ...ids, name: 'a' })).toEqual({ status: 503, json: { code: 'unavailable', msg: 'try later' } });
    expect((await twirp(gh, 'CreateArtifact', { ...ids, name: 'a' })).status).toBe(200);
    expect(gh.state.faults).toEqual([]);
    expect(gh.requests.map((r) => r.status)).toEqual([0, 503, 200]);
  });
});
