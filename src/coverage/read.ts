// Reads a coverage file in whichever format the project's tool wrote (LCOV, Cobertura XML, coverage.py JSON) into one report.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Inputs } from '../constants.js';
import { parseCobertura } from './cobertura.js';
import { parseCoveragePyJson } from './coveragepy-json.js';
import { parseLcov } from './lcov.js';
import { buildReport, mergeFiles, type RawFile } from './lines.js';
import { createPathResolver } from './paths.js';
import { CoverageError, type CoverageFormat, type CoverageReport } from './types.js';

/**
 * Reads `file` (absolute, or relative to `projectRoot`), telling the format by its content. Paths in the report are
 * relative to `projectRoot`; files the tool measured outside it (the standard library, another checkout) are left out.
 */
export async function readCoverage(file: string, projectRoot: string): Promise<CoverageReport> {
  const root = path.resolve(projectRoot);
  const abs = path.resolve(root, file);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CoverageError(
      `Coverage file ${file} could not be read (${code}): the coverage command must write it there, or set \`${Inputs.CoverageFile}\` to where it does.`,
    );
  }
  const format = detectFormat(text, file);

  let raw: RawFile[];
  let bases: string[];
  if (format === 'cobertura') {
    const report = parseCobertura(text);
    raw = report.files;
    bases = report.sources;
  } else {
    raw = format === 'lcov' ? parseLcov(text) : parseCoveragePyJson(text);
    // Relative paths are usually relative to where the tool ran: the project, or the folder the report sits in.
    bases = [root, path.dirname(abs)];
  }

  const resolve = await createPathResolver(root);
  const records: { path: string; raw: RawFile }[] = [];
  for (const entry of raw) {
    const rel = await resolve(entry.path, bases);
    if (rel !== undefined) records.push({ path: rel, raw: entry });
  }
  return buildReport(format, mergeFiles(records));
}

/** Tells the format from the content, since file names vary (lcov.info, coverage.lcov, cobertura.xml, coverage.json). */
export function detectFormat(text: string, file = 'the coverage file'): CoverageFormat {
  const head = text.replace(/^\uFEFF/, '').trimStart();
  if (head === '') {
    throw new CoverageError(`Coverage file ${file} is empty: did the coverage command run the tests?`);
  }
  if (head.startsWith('<')) {
    // Clover also has a <coverage> root and <package>s, so it is told apart first, by its <project>.
    if (/<coverage\b[^>]*\bclover=/.test(head) || /<project\b/.test(head)) {
      throw new CoverageError(`Coverage file ${file} is Clover XML, which is not read: write LCOV or Cobertura XML instead.`);
    }
    if (/<coverage\b/.test(head) && /<(packages|class)\b/.test(head)) return 'cobertura';
    throw new CoverageError(`Coverage file ${file} is XML but not Cobertura: write LCOV or Cobertura XML instead.`);
  }
  if (head.startsWith('{')) {
    if (/"files"\s*:/.test(head)) return 'coveragepy-json';
    if (/"statementMap"\s*:/.test(head)) {
      throw new CoverageError(
        `Coverage file ${file} is Istanbul JSON (coverage-final.json), which is not read: add the lcov reporter and point at lcov.info.`,
      );
    }
    throw new CoverageError(`Coverage file ${file} is JSON but not a coverage.py report: write LCOV instead.`);
  }
  if (/^\s*(TN|SF):/m.test(head)) return 'lcov';
  throw new CoverageError(`Coverage file ${file} is not LCOV, Cobertura XML or coverage.py JSON.`);
}
