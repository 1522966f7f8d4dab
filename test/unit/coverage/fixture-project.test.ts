// The coverage-node fixture for real: c8 over node:test, the scripted model answers, and what readCoverage makes of them.
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compareCoverage } from '../../../src/coverage/compare.js';
import { rankFiles } from '../../../src/coverage/rank.js';
import { readCoverage } from '../../../src/coverage/read.js';
import { isTestPath } from '../../../src/coverage/test-paths.js';

const repo = path.resolve(import.meta.dirname, '../../..');
const fixture = path.join(repo, 'test/fixtures/projects/coverage-node');

const Script = z.object({
  wrongTest: z.object({ path: z.string(), content: z.string() }),
  rightTest: z.object({ path: z.string(), content: z.string() }),
  sourceEdit: z.object({ path: z.string(), old_string: z.string(), new_string: z.string() }),
});
const PackageJson = z.object({ scripts: z.object({ test: z.string(), coverage: z.string() }) });

const script = Script.parse(JSON.parse(await readFile(path.join(fixture, 'SCRIPT.json'), 'utf8')));
const { scripts } = PackageJson.parse(JSON.parse(await readFile(path.join(fixture, 'package.json'), 'utf8')));

const copies: string[] = [];
afterAll(async () => {
  await Promise.all(copies.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh copy under the repository, so that c8 and node resolve from its node_modules as the project would. */
async function copyFixture(): Promise<string> {
  await mkdir(path.join(repo, '.tmp'), { recursive: true });
  const dir = await mkdtemp(path.join(repo, '.tmp', 'coverage-node-'));
  copies.push(dir);
  await cp(fixture, dir, { recursive: true });
  return dir;
}

function run(command: string, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${path.join(repo, 'node_modules/.bin')}${path.delimiter}${process.env.PATH ?? ''}`, NO_COLOR: '1' };
    delete env.NODE_V8_COVERAGE;
    const child = spawn('bash', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The "% Lines" column of the "All files" row that c8's text reporter prints. */
function c8LinesPercent(output: string): number {
  const row = /^All files\s*\|([^\n]*)$/m.exec(output);
  const lines = row?.[1]?.split('|')[3]?.trim();
  if (!lines) throw new Error(`no "All files" row in c8 output:\n${output}`);
  return Number(lines);
}

describe('coverage-node fixture', () => {
  it('the right test passes and raises coverage as readCoverage reads it, in step with what c8 prints', async () => {
    const dir = await copyFixture();
    const first = await run(scripts.coverage, dir);
    expect(first.code, first.output).toBe(0);
    const before = await readCoverage('coverage/lcov.info', dir);
    expect(before.percent).toBe(c8LinesPercent(first.output));
    expect(rankFiles(before, { limit: 1 })[0]?.path).toBe('src/cart.js');

    await writeFile(path.join(dir, script.rightTest.path), script.rightTest.content);
    const second = await run(scripts.coverage, dir);
    expect(second.code, second.output).toBe(0);
    const after = await readCoverage('coverage/lcov.info', dir);
    expect(after.percent).toBe(c8LinesPercent(second.output));
    expect(after.percent).toBeGreaterThan(before.percent);

    const comparison = compareCoverage(before, after);
    expect(comparison.after).toBeGreaterThan(comparison.before);
    expect(comparison.files[0]).toEqual({ path: 'src/cart.js', before: 0, after: 100 });
  });

  it('the wrong test makes the test command fail, naming the test', async () => {
    const dir = await copyFixture();
    const green = await run(scripts.test, dir);
    expect(green.code, green.output).toBe(0);
    await writeFile(path.join(dir, script.wrongTest.path), script.wrongTest.content);
    const red = await run(scripts.test, dir);
    expect(red.code).not.toBe(0);
    expect(red.output).toContain('total applies the discount code');
    expect(red.output).toMatch(/22\.99 !== 18|expected: 18/);
  });

  it('the script writes test files only, except the source edit that coverage mode must refuse', async () => {
    expect(isTestPath(script.wrongTest.path)).toBe(true);
    expect(isTestPath(script.rightTest.path)).toBe(true);
    expect(isTestPath(script.sourceEdit.path)).toBe(false);
    // The edit would apply if it were allowed: its old_string occurs exactly once.
    const source = await readFile(path.join(fixture, script.sourceEdit.path), 'utf8');
    expect(source.split(script.sourceEdit.old_string)).toHaveLength(2);
  });
});
