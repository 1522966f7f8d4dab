// The commands that rerun only the failing tests, and the report flags, for every runner and invocation.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectInvocation } from '../../../src/testing/detect.js';
import { applyInserts, reportRequest, targetedCommand } from '../../../src/testing/plan.js';
import type { TestCase } from '../../../src/testing/types.js';

let root: string;
const scripts: Record<string, string> = {
  test: 'vitest run',
  'test:jest': 'jest',
  'test:mocha': 'mocha',
  'test:node': 'node --test',
  'test:node-files': 'node --test test/',
  'test:chain': 'tsc && jest --ci',
  'test:first': 'jest && tsc',
  'test:py': 'pytest tests',
};

afterAll(() => rm(root, { recursive: true, force: true }));
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'redgreen-targets-'));
  await writeFile(join(root, 'package.json'), JSON.stringify({ scripts }));
  await mkdir(join(root, 'pkg'));
});

const target = (command: string, targets: TestCase[], cwd = root): string | undefined =>
  targetedCommand(command, detectInvocation(command, cwd), targets, root);

const withReport = (command: string): string | undefined => {
  const inv = detectInvocation(command, root);
  const anchor = inv.anchor ?? inv.reportAnchor;
  const report = reportRequest({ ...inv, anchor }, '/tmp/r');
  return report && anchor ? applyInserts(command, anchor, report.inserts) : undefined;
};

const math: TestCase = { file: 'test/math.test.js', name: 'math > adds two numbers' };
const top: TestCase = { file: 'test/math.test.js', name: 'adds (1 + 2)' };

describe('targeted reruns', () => {
  it('vitest: files and an anchored -t pattern over "suite > test"', () => {
    expect(target('npx vitest run', [math])).toBe(`npx vitest run test/math.test.js -t '^math(?: > | )adds two numbers$'`);
    expect(target('npm test', [math, top])).toBe(
      `npm test -- test/math.test.js -t '^(?:math(?: > | )adds two numbers|adds \\(1 \\+ 2\\))$'`,
    );
  });

  it('vitest: a file that failed to load is rerun as a file', () => {
    expect(target('vitest run', [{ file: 'test/broken.test.js', name: 'test/broken.test.js' }])).toBe('vitest run test/broken.test.js');
  });

  it('jest: file patterns are regular expressions, names are space-joined', () => {
    expect(target('npm run test:jest', [{ file: 'test/text.test.js', name: 'text > capitalize' }])).toBe(
      `npm run test:jest -- 'test/text\\.test\\.js' -t '^text capitalize$'`,
    );
  });

  it('mocha: --grep over the full title', () => {
    expect(target('npm run test:mocha', [{ name: 'stats > average of several values' }])).toBe(
      `npm run test:mocha -- --grep '^stats average of several values$'`,
    );
  });

  it('node:test: the pattern goes before any file argument, files last', () => {
    const tc = { file: 'test/range.test.js', name: 'range > includes both ends' };
    expect(target('node --test', [tc])).toBe(
      `node --test '--test-name-pattern=^(?:range includes both ends|includes both ends)$' test/range.test.js`,
    );
    expect(target('node --test test/', [tc])).toBe(
      `node --test '--test-name-pattern=^(?:range includes both ends|includes both ends)$' test/ test/range.test.js`,
    );
    expect(target('npm run test:node', [tc])).toBe(
      `npm run test:node -- '--test-name-pattern=^(?:range includes both ends|includes both ends)$' test/range.test.js`,
    );
    // Appended after the script's own file argument, node would hand the pattern to the tests.
    expect(target('npm run test:node-files', [tc])).toBeUndefined();
  });

  it('pytest: node ids, in place of the paths the command names', () => {
    const tc = { file: 'tests/test_pricing.py', name: 'TestDiscount::test_takes_percent_off' };
    expect(target('pytest', [tc])).toBe('pytest tests/test_pricing.py::TestDiscount::test_takes_percent_off');
    expect(target('python -m pytest -q -p no:cacheprovider', [tc])).toBe(
      'python -m pytest -q -p no:cacheprovider tests/test_pricing.py::TestDiscount::test_takes_percent_off',
    );
    // The command's own paths give way to the node ids, class and parameters kept.
    expect(target('pytest tests/ -q', [tc, { file: 'tests/test_x.py', name: 'TestY::test_y[1-2]' }])).toBe(
      `pytest tests/test_pricing.py::TestDiscount::test_takes_percent_off 'tests/test_x.py::TestY::test_y[1-2]' -q`,
    );
    expect(target('pytest -k slow tests/ more/', [tc])).toBe('pytest -k slow tests/test_pricing.py::TestDiscount::test_takes_percent_off');
    // Through a script the paths stay: select by name there.
    expect(target('npm run test:py', [tc])).toBe(`npm run test:py -- -k test_takes_percent_off`);
  });

  it('pytest: node ids are relative to where pytest runs', () => {
    const tc = { file: 'pkg/tests/test_a.py', name: 'test_a' };
    expect(target('cd pkg && pytest', [tc])).toBe('cd pkg && pytest tests/test_a.py::test_a');
  });

  it('cargo: exact names after --', () => {
    expect(target('cargo test', [{ file: 'src/lib.rs', name: 'tests::centuries' }])).toBe('cargo test -- --exact tests::centuries');
    expect(target('cargo test -- --nocapture', [{ name: 'a' }, { name: 'b' }])).toBe('cargo test -- --nocapture --exact a b');
  });

  it('go: -run with the top-level test names', () => {
    expect(target('go test ./...', [{ name: 'TestAdd' }, { name: 'TestTable/negative' }])).toBe(`go test ./... -run '^(?:TestAdd|TestTable)$'`);
  });

  it('Maven and Gradle: by class and method', () => {
    const tcs = [{ name: 'com.example.CartTest#adds' }, { name: 'com.example.CartTest#totals' }, { name: 'com.example.TaxTest#rate()' }];
    expect(target('mvn -B test', tcs)).toBe(
      "mvn -B test '-Dtest=com.example.CartTest#adds+totals,com.example.TaxTest#rate' -Dsurefire.failIfNoSpecifiedTests=false -DfailIfNoTests=false",
    );
    expect(target('./gradlew test', tcs)).toBe(
      './gradlew test --tests com.example.CartTest.adds --tests com.example.CartTest.totals --tests com.example.TaxTest.rate',
    );
  });

  it('nothing when arguments cannot reach the runner', () => {
    expect(target('make test', [math])).toBeUndefined();
    expect(target('(cd x; jest)', [math])).toBeUndefined();
  });

  it('checks run only the runner part of a compound command, with the setup before it', () => {
    expect(target('jest | tee out.txt', [math])).toBe(`jest 'test/math\\.test\\.js' -t '^math adds two numbers$'`);
    expect(target('export CI=1 && eslint . && jest --ci && tsc', [math])).toBe(`export CI=1 && jest --ci 'test/math\\.test\\.js' -t '^math adds two numbers$'`);
    expect(target('cd pkg && FOO=1 jest && tsc', [math], root)).toBe(`cd pkg && FOO=1 jest '\\.\\./test/math\\.test\\.js' -t '^math adds two numbers$'`);
    // A script that runs more than its runner: its runner part, the way npm runs it.
    expect(target('npm run test:chain', [math])).toBe(`export PATH="$PWD/node_modules/.bin:$PATH" && jest --ci 'test/math\\.test\\.js' -t '^math adds two numbers$'`);
    expect(target('npm run test:first && tsc', [math])).toBe(`export PATH="$PWD/node_modules/.bin:$PATH" && jest 'test/math\\.test\\.js' -t '^math adds two numbers$'`);
    expect(target('npm run test:jest', [math])).toBe(`npm run test:jest -- 'test/math\\.test\\.js' -t '^math adds two numbers$'`);
  });

  it('report flags reach a runner that is not the last part', () => {
    expect(withReport('jest --ci && tsc')).toBe('jest --ci --json --outputFile=/tmp/r/jest.json && tsc');
  });
});

describe('report flags', () => {
  it.each([
    ['npm test', 'npm test -- --reporter=default --reporter=junit --outputFile.junit=/tmp/r/vitest-junit.xml'],
    ['vitest run --reporter=dot', 'vitest run --reporter=dot --reporter=junit --outputFile.junit=/tmp/r/vitest-junit.xml'],
    ['jest --ci', 'jest --ci --json --outputFile=/tmp/r/jest.json'],
    ['npm run test:mocha', 'npm run test:mocha -- --reporter json --reporter-option output=/tmp/r/mocha.json'],
    [
      'node --test test/',
      'node --test --test-reporter=spec --test-reporter-destination=stdout --test-reporter=junit --test-reporter-destination=/tmp/r/node-junit.xml test/',
    ],
    ['pytest tests', 'pytest tests --junitxml=/tmp/r/pytest-junit.xml -o junit_family=xunit1'],
    ['go test ./...', 'go test ./... -v'],
  ])('%s', (command, expected) => {
    expect(withReport(command)).toBe(expected);
  });

  it.each(['cargo test', 'mvn test', 'jest --json', 'pytest --junitxml=out.xml', 'node --test --test-reporter=dot', 'npm run test:node-files', 'make test'])(
    'none for %s',
    (command) => {
      expect(withReport(command)).toBeUndefined();
    },
  );
});
