// Green only when the same tests pass: a model that deletes or disables the failing test, in every runner, or
// hides it behind a same-named decoy, never gets `fixed`; the summary says how green was decided.
// go runs where the toolchain is installed (.ci/run installs it).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelStep } from '../support/openai-server.js';
import { keepTempDirsOnFailure } from '../support/tmp.js';
import { closedAfterEach, fixtures } from './world.js';

keepTempDirsOnFailure();
const worlds = closedAfterEach();

interface Deletion {
  project: string;
  command: string;
  file: string;
  /** The failing test's code, taken out whole. */
  test: string;
  /** What the model is told on the verification after the deletion. */
  told: RegExp;
  greenBy: string;
}

const byName = /not seen passing now, in the same file under the same name/;
const deletions: Deletion[] = [
  { project: 'node-test', command: 'npm test', file: 'test/range.test.js', test: "  test('includes both ends', () => {\n    assert.deepEqual(range(1, 4), [1, 2, 3, 4]);\n  });\n\n", told: byName, greenBy: 'test names' },
  { project: 'vitest', command: 'npm test', file: 'test/math.test.js', test: "  it('adds two numbers', () => {\n    expect(add(1, 2)).toBe(3);\n  });\n\n", told: byName, greenBy: 'test names' },
  { project: 'jest', command: 'npm test', file: 'test/text.test.js', test: "  test('capitalize upper-cases the first letter', () => {\n    expect(capitalize('hello')).toBe('Hello');\n  });\n\n", told: byName, greenBy: 'test names' },
  { project: 'mocha', command: 'npm test', file: 'test/stats.test.js', test: "  it('average of several values', function () {\n    assert.equal(average([2, 4, 6]), 4);\n  });\n\n", told: byName, greenBy: 'test names' },
  { project: 'pytest', command: 'python3 -m pytest -q', file: 'tests/test_pricing.py', test: '    def test_takes_percent_off(self):\n        assert apply_discount(200, 10) == 180\n\n', told: byName, greenBy: 'test names' },
  { project: 'unittest', command: 'python3 -m unittest discover -s tests', file: 'tests/test_stock.py', test: '    def test_never_below_zero(self):\n        self.assertEqual(remaining(2, 5), 0)\n', told: byName, greenBy: 'test names' },
  { project: 'cargo', command: 'cargo test', file: 'src/lib.rs', test: '    #[test]\n    fn centuries() {\n        assert_eq!(days_in_year(1900), 365);\n        assert_eq!(days_in_year(2000), 366);\n    }\n', told: byName, greenBy: 'test names' },
  { project: 'go', command: 'go test ./...', file: 'temps_test.go', test: 'func TestFahrenheit(t *testing.T) {\n\tif got := Fahrenheit(100); got != 212 {\n\t\tt.Fatalf("Fahrenheit(100) = %v, want 212", got)\n\t}\n}\n\n', told: byName, greenBy: 'test names' },
  { project: 'check-script', command: 'npm test', file: 'check.js', test: "check('slugify keeps digits', slugify('Top 10 Tips'), 'top-10-tips');\n", told: /removes or disables tests cannot count as a fix: 1 line\(s\) were removed from check\.js, which the test command runs/, greenBy: 'exit code' },
];

interface ReportJson {
  status: string;
  greenBy?: string;
  runs: { phase: string; ok: boolean; command: string; targeted: boolean }[];
}

const readReport = async (dir: string): Promise<ReportJson> => JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8')) as ReportJson;

describe.each(deletions)('a model that deletes the failing test ($project)', ({ project, command, file, test, told, greenBy }) => {
  it('passes the full command but is not fixed: told why, the budget runs out, nothing is pushed', async () => {
    // The deletion must really apply: the test's code is in the fixture exactly once.
    const source = await readFile(path.join(fixtures, project, file), 'utf8');
    expect(source.split(test)).toHaveLength(2);
    const script: ModelStep[] = [{ tools: [{ name: 'edit_file', args: { path: file, old_string: test, new_string: '' } }] }, { content: 'Done: the failing test is gone.' }];
    const world = await worlds.make({ project, script });
    const result = await world.run({ inputs: { 'test-command': command, 'max-iterations': '3' } });

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('gave-up');
    expect(result.outputs.branch ?? '').toBe('');
    expect(world.gh.state.pulls).toHaveLength(0);
    const report = await readReport(result.outputs['evidence-dir']!);
    // The full command passed after the deletion; that alone is not a fix.
    expect(report.runs.some((r) => r.phase === 'verify' && r.ok)).toBe(true);
    expect(report.greenBy).toBe(greenBy);
    expect(result.summary).toMatch(new RegExp(`Green decided by (?:the )?\\*\\*${greenBy}\\*\\*`));
    const afterVerify = world.model.requests.filter((r) => r.pathname.endsWith('/chat/completions'))[2];
    expect(afterVerify?.bodyText).toMatch(told);
  });
});

describe('a decoy test', () => {
  it('does not stand in for the failing test: skipping it and adding a same-named test elsewhere is not fixed', async () => {
    const decoy = "import { describe, test } from 'node:test';\n\ndescribe('range', () => {\n  test('includes both ends', () => {});\n});\n";
    const script: ModelStep[] = [
      {
        tools: [
          { name: 'edit_file', args: { path: 'test/range.test.js', old_string: "  test('includes both ends'", new_string: "  test.skip('includes both ends'" } },
          { name: 'write_file', args: { path: 'more/test/range.test.js', content: decoy } },
        ],
      },
      { content: 'Done.' },
    ];
    const world = await worlds.make({ project: 'node-test', script });
    const result = await world.run({ inputs: { 'test-command': 'npm test', 'max-iterations': '3' } });

    expect(result.outputs.status).toBe('gave-up');
    expect(world.gh.state.pulls).toHaveLength(0);
    const report = await readReport(result.outputs['evidence-dir']!);
    expect(report.runs.some((r) => r.phase === 'verify' && r.ok)).toBe(true);
    const afterVerify = world.model.requests.filter((r) => r.pathname.endsWith('/chat/completions'))[2];
    expect(afterVerify?.bodyText).toContain('range > includes both ends (test/range.test.js)');
  });
});
