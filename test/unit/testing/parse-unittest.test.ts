// python -m unittest's verbose output: docstrings, printed output, subtests, skips, expected failures, import errors.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { specFor } from '../../../src/testing/runners/index.js';
import { detectFromOutput } from '../../../src/testing/runners/index.js';
import { plainText } from '../../../src/testing/ansi.js';
import { captured } from './captured.js';
import { removeTempDirs, tempDir } from './fixtures.js';

afterAll(removeTempDirs);

describe('unittest', () => {
  it('reads names, files, counts and messages, each failing test once', async () => {
    const root = await tempDir('unittest-parse');
    await mkdir(join(root, 'tests'));
    await writeFile(join(root, 'tests', 'test_a.py'), '');
    await writeFile(join(root, 'tests', 'test_broken.py'), '');
    const output = plainText(captured('unittest', 'subtests.out'));
    expect(detectFromOutput(output)).toBe('unittest');
    const r = specFor('unittest')!.parseOutput(output, { root, dir: root, args: ['discover', '-s', 'tests', '-v'] })!;
    expect(r.failures.map(({ file, name }) => ({ file, name }))).toEqual([
      // A module that fails to import stands for its file.
      { file: 'tests/test_broken.py', name: 'tests/test_broken.py' },
      { file: 'tests/test_a.py', name: 'test_a.ATest.test_sub' },
    ]);
    expect(r.failures[0]!.message).toContain("ModuleNotFoundError: No module named 'missing_module_xyz'");
    expect(r.failures[1]!.message).toBe('AssertionError: 1 not less than 1');
    // The skipped test and the expected failure did not pass; the one with a docstring and output did.
    expect(r.passedCases).toEqual([{ file: 'tests/test_a.py', name: 'test_a.ATest.test_ok' }]);
    expect(r).toMatchObject({ runner: 'unittest', source: 'output', passed: 1, failed: 2, skipped: 2 });
  });
});
