// uploadEvidence with the real @actions/artifact client against a local results service; every failure only warns.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import AdmZip from 'adm-zip';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uploadEvidence } from '../../../src/report/artifact.js';
import { tempDir } from '../delivery/tmp.js';
import { runtimeToken, startResultsService, type ResultsService } from './results-service.js';

const keys = [
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RESULTS_URL',
  'GITHUB_SERVER_URL',
  'GITHUB_REPOSITORY',
  'GITHUB_RUN_ID',
  'GITHUB_WORKSPACE',
] as const;
const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));

let service: ResultsService;
let warnings: string[];
let restoreStdout: () => void;

beforeEach(async () => {
  service = await startResultsService();
  for (const k of keys) delete process.env[k];
  // @actions/core writes `::warning::` lines to stdout; keep them to check what the user is told.
  warnings = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    const s = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (s.startsWith('::warning::')) warnings.push(s.trim());
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
  restoreStdout = () => {
    process.stdout.write = write;
  };
});
afterEach(async () => {
  restoreStdout();
  for (const k of keys) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await service.close();
});

function inActions(): void {
  process.env.ACTIONS_RUNTIME_TOKEN = runtimeToken();
  process.env.ACTIONS_RESULTS_URL = `${service.url}/`;
  process.env.GITHUB_SERVER_URL = 'https://github.com';
  process.env.GITHUB_REPOSITORY = 'octo/app';
  process.env.GITHUB_RUN_ID = '99';
}

async function evidenceDir(): Promise<string> {
  const dir = await tempDir('artifact');
  await mkdir(path.join(dir, 'logs'));
  await writeFile(path.join(dir, 'report.json'), '{"status":"fixed"}\n');
  await writeFile(path.join(dir, 'logs', '01-reproduce.log'), 'FAIL math > adds\n');
  return dir;
}

describe('uploadEvidence', () => {
  it('uploads every file under the folder, relative to it, and links to the artifact', async () => {
    inActions();
    const dir = await evidenceDir();
    const result = await uploadEvidence(dir, 'redgreen-evidence');

    expect(result).toEqual({ id: 100, url: 'https://github.com/octo/app/actions/runs/99/artifacts/100' });
    expect(service.artifacts).toHaveLength(1);
    const uploaded = service.artifacts[0]!;
    expect(uploaded.name).toBe('redgreen-evidence');
    expect(uploaded.backendIds).toEqual(['run-backend-id', 'job-backend-id']);
    const zip = new AdmZip(uploaded.zip);
    const entries = zip.getEntries().filter((e) => !e.isDirectory);
    expect(entries.map((e) => e.entryName).sort()).toEqual(['logs/01-reproduce.log', 'report.json']);
    expect(zip.readAsText('report.json')).toBe('{"status":"fixed"}\n');
    expect(warnings).toEqual([]);
  });

  it('warns and returns nothing outside GitHub Actions', async () => {
    const dir = await evidenceDir();
    expect(await uploadEvidence(dir, 'redgreen-evidence')).toBeUndefined();
    expect(warnings.join('\n')).toContain('Not running in GitHub Actions');
  });

  it('warns and returns nothing on GitHub Enterprise Server', async () => {
    inActions();
    process.env.GITHUB_SERVER_URL = 'https://ghes.example.com';
    expect(await uploadEvidence(await evidenceDir(), 'redgreen-evidence')).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('not available on GitHub Enterprise Server')]);
    expect(service.artifacts).toHaveLength(0);
  });

  it('warns and returns nothing when the service rejects the upload', async () => {
    inActions();
    service.reject = { status: 403, msg: 'artifact storage quota has been hit' };
    expect(await uploadEvidence(await evidenceDir(), 'redgreen-evidence')).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/Could not upload the evidence artifact.*quota/);
  });

  it('warns when there is nothing to upload', async () => {
    inActions();
    expect(await uploadEvidence(await tempDir('artifact'), 'redgreen-evidence')).toBeUndefined();
    expect(warnings.join('\n')).toContain('No evidence files');
  });
});
