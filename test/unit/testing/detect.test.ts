// Finding the runner behind a test command: direct, through wrappers, through package.json scripts.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectInvocation } from '../../../src/testing/detect.js';
import { detectFromOutput } from '../../../src/testing/runners/index.js';

let dir: string;

async function project(name: string, scripts: Record<string, string>): Promise<string> {
  const at = join(dir, name);
  await mkdir(at, { recursive: true });
  await writeFile(join(at, 'package.json'), JSON.stringify({ name, scripts }));
  return at;
}

afterAll(() => rm(dir, { recursive: true, force: true }));
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'redgreen-detect-'));
});

describe('detectInvocation: direct commands', () => {
  it.each([
    ['vitest run', 'vitest', ['run']],
    ['npx vitest --run', 'vitest', ['--run']],
    ['jest --ci', 'jest', ['--ci']],
    ['./node_modules/.bin/jest', 'jest', []],
    ['npx mocha test/', 'mocha', ['test/']],
    ['node --test', 'node-test', ['--test']],
    ['node --experimental-vm-modules --test test/', 'node-test', ['--experimental-vm-modules', '--test', 'test/']],
    ['pytest -x tests', 'pytest', ['-x', 'tests']],
    ['python3 -m pytest -q', 'pytest', ['-q']],
    ['python3 -m unittest discover -s tests', 'unittest', ['discover', '-s', 'tests']],
    ['poetry run pytest', 'pytest', []],
    ['coverage run -m pytest', 'pytest', []],
    ['cargo test --workspace', 'cargo', ['--workspace']],
    ['cargo +nightly test', 'cargo', []],
    ['go test ./...', 'go', ['./...']],
    ['mvn -B test', 'junit', ['-B', 'test']],
    ['./gradlew test', 'junit', ['test']],
    ['CI=true timeout 10m env FOO=1 jest', 'jest', []],
    ['c8 --reporter lcov node --test', 'node-test', ['--test']],
  ])('%s → %s', (command, kind, args) => {
    const inv = detectInvocation(command, dir);
    expect(inv.kind).toBe(kind);
    expect(inv.args).toEqual(args);
    expect(inv.anchor).toMatchObject({ at: command.length, sep: '', direct: true });
  });

  it('knows the build tool of JUnit runners', () => {
    expect(detectInvocation('mvn verify', dir).tool).toBe('maven');
    expect(detectInvocation('gradle check', dir).tool).toBe('gradle');
  });

  it.each(['make test', 'node scripts/test.js', 'bundle exec rspec', 'cargo build', 'bun test'])(
    '%s is unknown',
    (command) => {
      expect(detectInvocation(command, dir).kind).toBe('unknown');
    },
  );

  it('follows cd, and allows no arguments where they would not reach the runner', () => {
    const inv = detectInvocation('npm ci && cd packages/core && jest', dir);
    expect(inv).toMatchObject({ kind: 'jest', dir: join(dir, 'packages/core') });
    expect(inv.anchor).toBeDefined();
    expect(detectInvocation('pytest | tee log.txt', dir)).toMatchObject({ kind: 'pytest', anchor: undefined });
    expect(detectInvocation('jest; echo done', dir)).toMatchObject({ kind: 'jest', anchor: undefined });
    expect(detectInvocation('jest $(cat files)', dir)).toMatchObject({ kind: 'jest', anchor: undefined });
  });
});

describe('detectInvocation: package manager scripts', () => {
  it('reads the script from package.json and appends after --', async () => {
    const cwd = await project('npm-vitest', { test: 'vitest run' });
    const inv = detectInvocation('npm test', cwd);
    expect(inv).toMatchObject({ kind: 'vitest', args: ['run'], dir: cwd, via: ['npm test', 'vitest run'] });
    expect(inv.anchor).toMatchObject({ at: 8, sep: '-- ', direct: false });
    expect(detectInvocation('npm t', cwd).kind).toBe('vitest');
    expect(detectInvocation('npm run test', cwd).kind).toBe('vitest');
  });

  it('writes no second -- when the command has one', async () => {
    const cwd = await project('npm-jest', { test: 'jest', 'test:ci': 'tsc -p . && jest --ci' });
    expect(detectInvocation('npm test -- --coverage', cwd)).toMatchObject({ kind: 'jest', args: ['--coverage'], anchor: { sep: '' } });
    // npm keeps its own options (before --) to itself.
    expect(detectInvocation('npm test --silent', cwd)).toMatchObject({ kind: 'jest', args: [], anchor: { sep: '-- ' } });
    expect(detectInvocation('npm run test:ci', cwd)).toMatchObject({ kind: 'jest', args: ['--ci'], anchor: { sep: '-- ' } });
  });

  it('passes arguments to yarn and pnpm scripts as they are, and runs their binaries', async () => {
    const cwd = await project('yarn-mocha', { test: 'mocha' });
    expect(detectInvocation('yarn test', cwd)).toMatchObject({ kind: 'mocha', anchor: { sep: '' } });
    expect(detectInvocation('pnpm run test', cwd)).toMatchObject({ kind: 'mocha', anchor: { sep: '' } });
    expect(detectInvocation('yarn jest --ci', cwd)).toMatchObject({ kind: 'jest', args: ['--ci'], anchor: { direct: true } });
    expect(detectInvocation('pnpm exec vitest run', cwd)).toMatchObject({ kind: 'vitest', args: ['run'] });
  });

  it('follows --prefix to another package', async () => {
    const sub = await project('outer/inner', { test: 'node --test' });
    expect(detectInvocation('npm --prefix outer/inner test', dir)).toMatchObject({ kind: 'node-test', dir: sub });
  });

  it('follows scripts that call scripts, but adds nothing through them', async () => {
    const cwd = await project('nested', { test: 'npm run unit', unit: 'vitest run' });
    expect(detectInvocation('npm test', cwd)).toMatchObject({ kind: 'vitest', anchor: undefined });
  });

  it('adds nothing when the script does not end with the runner', async () => {
    const cwd = await project('unsafe', { test: 'jest && node report.js', lint: 'eslint .' });
    expect(detectInvocation('npm test', cwd)).toMatchObject({ kind: 'jest', anchor: undefined });
    expect(detectInvocation('npm run lint', cwd).kind).toBe('unknown');
    expect(detectInvocation('npm run missing', cwd).kind).toBe('unknown');
  });

  it('survives a package.json that is not valid', async () => {
    const at = join(dir, 'broken-json');
    await mkdir(at, { recursive: true });
    await writeFile(join(at, 'package.json'), '{ not json');
    expect(detectInvocation('npm test', at).kind).toBe('unknown');
  });
});

describe('detectFromOutput', () => {
  it.each([
    [' RUN  v5.1.1 /x\n\n Test Files  1 failed (1)\n      Tests  1 failed (1)', 'vitest'],
    ['Test Suites: 1 failed, 1 total\nTests:       1 failed, 1 total', 'jest'],
    ['\n  2 passing (3ms)\n  1 failing\n', 'mocha'],
    ['ℹ tests 3\nℹ pass 2', 'node-test'],
    ['TAP version 13\n# tests 3\n# pass 3', 'node-test'],
    ['============================= test session starts ==============================', 'pytest'],
    ['running 2 tests\ntest a ... ok\n\ntest result: ok. 2 passed; 0 failed; 0 ignored', 'cargo'],
    ['--- FAIL: TestAdd (0.00s)\nFAIL\texample.com/calc\t0.003s', 'go'],
    ['[INFO]  T E S T S\n[ERROR] Tests run: 2, Failures: 1', 'junit'],
    ['compiling...\nall good', 'unknown'],
  ])('%#: %s', (output, kind) => {
    expect(detectFromOutput(output)).toBe(kind);
  });
});
