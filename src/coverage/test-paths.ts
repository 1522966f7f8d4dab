// What counts as a test file by the common conventions of each language; coverage mode writes nothing else.
import path from 'node:path';
import { surveyTests } from './conventions.js';

/** Folders whose contents are tests (or their helpers and data) by convention; matched case-insensitively. */
const TEST_DIRS = new Set(['test', 'tests', '__tests__', 'spec', 'testdata']);

const TEST_NAMES: readonly RegExp[] = [
  // JS/TS and many others: foo.test.ts, foo.spec.js, foo.test.tsx
  /\.(test|spec)\.[A-Za-z0-9]+$/,
  // The other names `node --test` runs by default: foo-test.js, foo_test.js, test-foo.js, test.js
  /^(.+[-_]test|test-.+|test)\.[cm]?[jt]sx?$/,
  // Python (pytest and unittest discovery) and its shared fixtures
  /^test_.+\.py$/,
  /^.+_test\.py$/,
  /^conftest\.py$/,
  // Go
  /^.+_test\.go$/,
  // Ruby (RSpec, minitest)
  /^.+_(spec|test)\.rb$/,
];

/**
 * True when `file` (project-relative) is a test file or lives in a test folder: `*.test.*`, `*.spec.*`, the other
 * names `node --test` runs (`*-test.js`, `*_test.js`, `test-*.js`, `test.js`), `__tests__/`, `test/`, `tests/`,
 * `spec/`, `test_*.py`, `*_test.py`, `conftest.py`, `*_test.go`, Go's `testdata/`, Rust's `tests/`, Java's
 * `src/test/`, .NET's `*.Tests/`. A path that leaves the project (absolute, `..`) is never a test path.
 */
export function isTestPath(file: string): boolean {
  const normalized = path.posix.normalize(file.replaceAll('\\', '/'));
  if (normalized.startsWith('/') || normalized === '..' || normalized.startsWith('../') || /^[A-Za-z]:/.test(normalized)) {
    return false;
  }
  const segments = normalized.split('/').filter((s) => s !== '' && s !== '.');
  const name = segments.pop();
  if (!name) return false;
  if (TEST_NAMES.some((re) => re.test(name))) return true;
  return segments.some((dir) => TEST_DIRS.has(dir.toLowerCase()) || /\.Tests?$/.test(dir));
}

/**
 * One sentence for the model about this project's tests, from the tests it already has, e.g.
 * "Tests live in test/ and are named *.test.js (for example test/price.test.js); they use node:test."
 */
export async function describeTestConventions(projectRoot: string): Promise<string> {
  const survey = await surveyTests(projectRoot, isTestPath);
  if (survey.count === 0 || !survey.naming) {
    const hint = survey.testScript ? ` Its test script is \`${survey.testScript}\`.` : '';
    return `No test files were found in this project; put new tests where its test command will find them.${hint}`;
  }
  const where = survey.locations.map((l) => (l === '' ? 'beside the code they test' : `in ${l}`)).join(' and ');
  const example = survey.example ? ` (for example ${survey.example})` : '';
  const uses = survey.frameworks.length > 0 ? `; they use ${survey.frameworks.join(' and ')}` : '';
  return `Tests live ${where} and are named ${survey.naming}${example}${uses}.`;
}
