// Writes the evidence folder that becomes the artifact: report, transcript, patch, JUnit, summary, and the test logs.
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { buildJUnit } from './junit.js';
import { renderSummary } from './summary.js';
import { renderTranscript } from './transcript.js';
import type { Report } from './types.js';

export interface EvidenceData {
  report: Report;
  /** Model messages, already redacted (redacted again here). */
  transcript: unknown[];
  /** The pushed change as a patch, when there is one. */
  patch?: string;
  /** The exit gate: redacts what is written here, and in place what the test runs left (logs, or anything else). */
  gate: { redact(text: string): string; redactFile(file: string): Promise<void> };
}

/** Logs above this are gzipped: a test run that loops can write hundreds of MiB. */
export const GzipThreshold = 5 * 1024 * 1024;

/**
 * Writes report.json, transcript.json, transcript.md, fix.patch, junit.xml and summary.md into
 * `dir`, next to the logs the test stage left in `dir/logs/`. Returns every file in `dir`,
 * relative to it, sorted.
 */
export async function writeEvidence(dir: string, data: EvidenceData): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  await sealFolder(dir, (file) => data.gate.redactFile(file));
  const gzipped = await gzipLargeLogs(path.join(dir, 'logs'));
  const report = redactDeep(withLogNames(data.report, gzipped), data.gate.redact);
  const transcript = redactDeep(data.transcript, data.gate.redact);

  const write = (name: string, content: string) => writeFile(path.join(dir, name), data.gate.redact(content));
  await write('report.json', `${JSON.stringify(report, null, 2)}\n`);
  await write('transcript.json', `${JSON.stringify(transcript, null, 2)}\n`);
  await write('transcript.md', renderTranscript(transcript));
  if (data.patch !== undefined) await write('fix.patch', data.patch);
  await write('junit.xml', buildJUnit(report));
  await write('summary.md', renderSummary(report));
  return listFiles(dir);
}

/** Every file under `dir`, as sorted forward-slash paths relative to it. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

/**
 * Everything already in the folder (the test logs, and whatever a test run managed to put there) passes the
 * exit gate: files are redacted in place, and anything that is not a plain file or folder is removed, so a
 * link planted there cannot make the upload read a file elsewhere.
 */
async function sealFolder(dir: string, redactFile: (file: string) => Promise<void>): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    const info = await lstat(file);
    if (info.isDirectory()) await sealFolder(file, redactFile);
    else if (info.isFile() && info.nlink === 1) await redactFile(file);
    else await rm(file, { force: true });
  }
}

/** Replaces each log over the threshold by `<name>.gz`; returns the absolute paths that were replaced. */
async function gzipLargeLogs(logDir: string): Promise<Set<string>> {
  const done = new Set<string>();
  const names = await readdir(logDir).catch(() => [] as string[]);
  for (const name of names) {
    if (name.endsWith('.gz')) continue;
    const file = path.join(logDir, name);
    const info = await stat(file);
    if (!info.isFile() || info.size <= GzipThreshold) continue;
    await pipeline(createReadStream(file), createGzip(), createWriteStream(`${file}.gz`));
    await unlink(file);
    done.add(file);
  }
  return done;
}

function withLogNames(report: Report, gzipped: Set<string>): Report {
  if (gzipped.size === 0) return report;
  return {
    ...report,
    runs: report.runs.map((r) => {
      const renamed = gzipped.has(path.resolve(r.logFile)) || gzipped.has(path.resolve(report.evidenceDir, r.logFile));
      return renamed ? { ...r, logFile: `${r.logFile}.gz` } : r;
    }),
  };
}

/** Redacts every string inside a JSON-like value, so a secret is caught before JSON escaping can change its form. */
function redactDeep<T>(value: T, redact: (s: string) => string): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
