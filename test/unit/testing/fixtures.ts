// Runner fixture projects for tests: fresh copies under the repository's .tmp/, and their one known fix.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const FIXTURE_PROJECTS = join(REPO_ROOT, 'test/fixtures/projects');
export const CAPTURED_OUTPUT = join(REPO_ROOT, 'test/fixtures/output');
/** Inside the repository, so the JavaScript fixtures resolve vitest, jest and mocha from its node_modules. */
export const TMP_ROOT = join(REPO_ROOT, '.tmp');

export const RUNNER_FIXTURES = ['node-test', 'vitest', 'jest', 'mocha', 'pytest', 'unittest', 'cargo'] as const;
export type RunnerFixture = (typeof RUNNER_FIXTURES)[number];

const Fix = z.object({ path: z.string(), old_string: z.string(), new_string: z.string() });
export type Fix = z.infer<typeof Fix>;

export async function readFix(name: string): Promise<Fix> {
  return Fix.parse(JSON.parse(await readFile(join(FIXTURE_PROJECTS, name, 'FIX.json'), 'utf8')));
}

const made: string[] = [];

/** A new empty folder under .tmp/, removed by removeTempDirs() together with a `<dir>-logs` sibling. */
export async function tempDir(prefix: string): Promise<string> {
  await mkdir(TMP_ROOT, { recursive: true });
  const dir = await mkdtemp(join(TMP_ROOT, `${prefix}-`));
  made.push(dir);
  return dir;
}

/** Removes every folder tempDir() and copyFixture() made (call it in afterAll). */
export async function removeTempDirs(): Promise<void> {
  const dirs = made.splice(0);
  await Promise.all(dirs.flatMap((dir) => [rm(dir, { recursive: true, force: true }), rm(`${dir}-logs`, { recursive: true, force: true })]));
}

/** Copies a fixture project to a new folder under .tmp/ and returns its path. Build output is left behind. */
export async function copyFixture(name: string): Promise<string> {
  const dir = await tempDir(name);
  await cp(join(FIXTURE_PROJECTS, name), dir, {
    recursive: true,
    filter: (src) => !/[/\\](?:target|node_modules|__pycache__|\.pytest_cache)$/.test(src),
  });
  return dir;
}

/** Applies the fixture's FIX.json to a copy: the one edit that makes its tests pass. */
export async function applyFix(dir: string, name: string): Promise<void> {
  const fix = await readFix(name);
  const file = join(dir, fix.path);
  const text = await readFile(file, 'utf8');
  const count = text.split(fix.old_string).length - 1;
  if (count !== 1) throw new Error(`FIX.json of ${name}: old_string occurs ${count} times in ${fix.path}`);
  await writeFile(file, text.replace(fix.old_string, fix.new_string));
}

/** Set by the vitest running these tests; a runner started inside a fixture would take them as its own. */
const OWN_RUNNER_ENV = /^(?:VITEST.*|__VITEST.*|JEST_WORKER_ID|TEST|NODE_ENV)$/;

/** An environment for running fixtures: this process's, without its runner's variables, Node 24 first on PATH. */
export function fixtureEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !OWN_RUNNER_ENV.test(key)) env[key] = value;
  env.PATH = `${join(REPO_ROOT, 'node_modules/.bin')}:${env.PATH ?? ''}`;
  return { ...env, ...extra };
}
