// Access to the captured runner output of test/fixtures/output, and its reports as a run would leave them.
import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plainText } from '../../../src/testing/ansi.js';
import { specFor } from '../../../src/testing/runners/index.js';
import type { ParseContext } from '../../../src/testing/runners/types.js';
import type { ParsedResult, RunnerKind } from '../../../src/testing/types.js';
import { CAPTURED_OUTPUT } from './fixtures.js';

/** The root the capture script ran each fixture in; the captured text names it. */
export const captureRoot = (folder: string): string => `/work/main/.tmp/capture/${folder === 'junit' ? 'maven' : folder}`;

export function captured(folder: string, file: string): string {
  return readFileSync(join(CAPTURED_OUTPUT, folder, file), 'utf8');
}

export function ctxFor(folder: string): ParseContext {
  const root = captureRoot(folder);
  return { root, dir: root };
}

/** Parses a captured output file with a runner's output parser, ANSI stripped as the harness does. */
export function parseCaptured(kind: RunnerKind, folder: string, file: string): ParsedResult | undefined {
  return specFor(kind)!.parseOutput(plainText(captured(folder, file)), ctxFor(folder));
}

/** Reads a captured report the way the harness does after a run: from a report folder, under its name. */
export async function readCapturedReport(
  kind: RunnerKind,
  folder: string,
  file: string,
  as: string,
  output = '',
): Promise<ParsedResult | undefined> {
  const reportDir = await mkdtemp(join(tmpdir(), 'redgreen-captured-'));
  try {
    await copyFile(join(CAPTURED_OUTPUT, folder, file), join(reportDir, as));
    return await specFor(kind)!.readReport!({ ...ctxFor(folder), reportDir, startedAt: 0, output });
  } finally {
    await rm(reportDir, { recursive: true, force: true });
  }
}
