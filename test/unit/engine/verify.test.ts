// Honest green: the same tests by file and name; where no names are read, no test may be removed or disabled.
import { execFileSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Git } from '../../../src/delivery/git.js';
import { greenBasis, removalsSince, verifyFix } from '../../../src/engine/verify.js';
import { commandFiles, testRemovals } from '../../../src/testing/removal.js';
import { makeTempDir } from '../../support/tmp.js';
import { failure, run } from '../report/sample.js';

const initial = { failures: [failure('math > adds', 'x', 'test/math.test.js')], passed: 3, failed: 1 };
const green = (parsed: Partial<ReturnType<typeof run>['parsed']>) =>
  run(2, { phase: 'verify', exitCode: 0, ok: true, parsed: { runner: 'vitest', failures: [], passedCases: [], source: 'report', ...parsed } });

describe('verifyFix', () => {
  it('counts a fix only when the same test passes in the same file', () => {
    const same = verifyFix(initial, green({ passed: 4, failed: 0, passedCases: [{ file: 'test/math.test.js', name: 'math > adds' }] }));
    expect(same).toMatchObject({ ok: true, decidedBy: 'test names' });
    // A decoy: the original is gone (skipped), an empty test of the same name passes in another folder.
    const decoy = verifyFix(initial, green({ passed: 4, failed: 0, skipped: 1, passedCases: [{ file: 'other/test/math.test.js', name: 'math > adds' }] }));
    expect(decoy.ok).toBe(false);
    expect(decoy.problems.join(' ')).toMatch(/math > adds \(test\/math\.test\.js\)/);
  });

  it('falls back to counts, then to the exit code, and refuses removed tests there', () => {
    const counted = green({ passed: 4, failed: 0, source: 'output' });
    expect(greenBasis(initial, counted)).toBe('counts');
    expect(verifyFix(initial, counted).ok).toBe(true);
    expect(verifyFix(initial, green({ passed: 3, failed: 0, source: 'output' })).ok).toBe(false);
    const blind = { failures: [], passed: undefined, failed: undefined };
    const exitOnly = green({ source: 'none' });
    expect(greenBasis(blind, exitOnly)).toBe('exit code');
    expect(verifyFix(blind, exitOnly).ok).toBe(true);
    const refused = verifyFix(blind, exitOnly, ['the test file test/a.test.js was deleted']);
    expect(refused.ok).toBe(false);
    expect(refused.problems[0]).toMatch(/removes or disables tests.*test\/a\.test\.js was deleted/);
    // Names prove themselves: a changed test file does not matter there.
    expect(verifyFix(initial, green({ passedCases: [{ file: 'test/math.test.js', name: 'math > adds' }] }), ['x']).ok).toBe(true);
  });
});

describe('testRemovals', () => {
  const none = { files: [], candidates: [], scripts: [] };
  const diff = (file: string, removed: string[], added: string[], deleted = false) =>
    [`diff --git a/${file} b/${file}`, ...(deleted ? ['deleted file mode 100644'] : []), `--- a/${file}`, `+++ b/${file}`, '@@ -1 +1 @@', ...removed.map((l) => `-${l}`), ...added.map((l) => `+${l}`)].join('\n');

  it('finds deleted test files, removed definitions and added skip markers', () => {
    expect(testRemovals(diff('tests/test_calc.py', ['x = 1'], [], true), none)).toEqual(['the test file tests/test_calc.py was deleted']);
    expect(testRemovals(diff('tests/test_calc.py', ['    def test_add(self):', '        self.assertEqual(add(1, 2), 3)'], []), none)).toEqual([
      '1 test definition(s) were removed from tests/test_calc.py',
    ]);
    expect(testRemovals(diff('test/a.test.js', [], ["test.skip('adds', () => {"]), none)[0]).toMatch(/skip marker/);
    expect(testRemovals(diff('tests/calc.rs', [], ['#[ignore]']), none)[0]).toMatch(/skip marker/);
    expect(testRemovals(diff('tests/test_x.py', [], ['@unittest.skip("later")']), none)[0]).toMatch(/skip marker/);
    expect(testRemovals(diff('check.js', ["check('adds', add(1, 2) === 3);"], []), { ...none, files: ['check.js'] })[0]).toMatch(/removed from check\.js, which the test command runs/);
  });

  it('leaves alone edits of source files and renamed test bodies', () => {
    expect(testRemovals(diff('src/calc.py', ['def test_like(x):'], []), none)).toEqual([]);
    expect(testRemovals(diff('test/a.test.js', ["test('adds', () => {"], ["test('adds two', () => {"]), none)).toEqual([]);
  });
});

describe('commandFiles and removalsSince', () => {
  it('names the files a command runs, through npm scripts, and reads the working tree against the start', async () => {
    const dir = await makeTempDir('verify-removal');
    await mkdir(path.join(dir, 'scripts'));
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ scripts: { test: 'node scripts/check.js --fast' } }));
    await writeFile(path.join(dir, 'scripts', 'check.js'), "check('a');\ncheck('b');\n");
    await writeFile(path.join(dir, 'calc.js'), 'module.exports = 1;\n');
    expect(commandFiles('npm test', dir)).toMatchObject({ files: ['scripts/check.js'], scripts: ['test'] });
    expect(commandFiles('cd scripts && node check.js', dir).files).toEqual(['scripts/check.js']);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'start');
    const base = git('rev-parse', 'HEAD').toString().trim();
    await writeFile(path.join(dir, 'calc.js'), 'module.exports = 2;\n');
    expect(await removalsSince(new Git(dir), base, 'npm test', dir)).toEqual([]);
    await writeFile(path.join(dir, 'scripts', 'check.js'), "check('a');\n");
    // Even when the change is committed meanwhile, it is read against where the run started.
    git('commit', '-qam', 'drop b');
    expect(await removalsSince(new Git(dir), base, 'npm test', dir)).toEqual(['1 line(s) were removed from scripts/check.js, which the test command runs']);
    await rm(path.join(dir, 'scripts', 'check.js'));
    expect(await removalsSince(new Git(dir), base, 'npm test', dir)).toEqual(['the test file scripts/check.js was deleted']);
    // Pointing the test script elsewhere is no fix either.
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ scripts: { test: 'true' } }));
    expect(await removalsSince(new Git(dir), base, 'npm test', dir)).toContain('the script(s) "test" that the test command runs were changed in package.json');
  });
});
