// Surveys a project's existing tests: where they live, how they are named, which framework they use.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/** Folders never worth walking: dependencies, build output, caches, and test data that holds whole other projects. */
const SKIP_DIRS = new Set([
  'node_modules', 'vendor', 'third_party', 'bower_components', 'dist', 'build', 'out', 'coverage', 'target',
  'venv', '__pycache__', 'site-packages', 'fixtures', '__fixtures__', '__snapshots__', '__mocks__', 'testdata',
]);
const CODE_EXT = /\.(m?[jt]sx?|c[jt]s|py|go|rs|java|kt|rb|cs|swift)$/;
const MAX_ENTRIES = 5000;
const MAX_DEPTH = 8;
const MAX_READ = 30;

interface TestFile {
  path: string;
  location: string;
  naming: string;
  /** The name follows a test-naming rule, rather than only sitting in a test folder (helpers do that too). */
  named: boolean;
}

export interface TestSurvey {
  /** How many test files were seen (the walk is bounded, so a large project may have more). */
  count: number;
  /** Folders holding most tests, e.g. `test/`, `src/test/`, `__tests__/ folders`; '' means beside the code. */
  locations: string[];
  /** The naming rule most tests follow, e.g. `*.test.js`, `test_*.py`, `*_test.go`. */
  naming?: string;
  /** One test file that follows both. */
  example?: string;
  /** Test frameworks seen in the tests, most used first. */
  frameworks: string[];
  /** package.json's test script, if any. */
  testScript?: string;
}

/** `isTest` is passed in (it is `isTestPath`) so that this module and test-paths.ts do not import each other. */
export async function surveyTests(projectRoot: string, isTest: (file: string) => boolean): Promise<TestSurvey> {
  const root = path.resolve(projectRoot);
  const files = (await listFiles(root)).filter((f) => isTest(f) && CODE_EXT.test(f)).map(classify);
  const testScript = (await packageJson(root))?.scripts?.test;
  if (files.length === 0) return { count: 0, locations: [], frameworks: [], testScript };
  // Helpers in a test folder would blur the naming rule, so named test files decide it when there are any.
  const named = files.filter((f) => f.named);
  const decisive = named.length > 0 ? named : files;
  const locations = dominant(decisive.map((f) => f.location));
  const naming = dominant(decisive.map((f) => f.naming))[0];
  const example = decisive.find((f) => f.location === locations[0] && f.naming === naming) ?? decisive[0];
  const frameworks = await detectFrameworks(root, decisive);
  return { count: files.length, locations, naming, example: example?.path, frameworks, testScript };
}

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  let seen = 0;
  let level = [''];
  for (let depth = 0; depth <= MAX_DEPTH && level.length > 0 && seen < MAX_ENTRIES; depth += 1) {
    const next: string[] = [];
    for (const dir of level) {
      const entries = await readdir(path.join(root, dir), { withFileTypes: true }).catch(() => []);
      // Sorted, so the example named in the sentence is the same on every run.
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        if ((seen += 1) > MAX_ENTRIES) break;
        const rel = dir ? `${dir}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (!entry.name.startsWith('.') && !SKIP_DIRS.has(entry.name)) next.push(rel);
        } else if (entry.isFile()) {
          out.push(rel);
        }
      }
    }
    level = next;
  }
  return out;
}

function classify(file: string): TestFile {
  const segments = file.split('/');
  const name = segments.pop() ?? file;
  let location = '';
  if (!segments.includes('__tests__')) {
    const at = segments.findIndex((s) => /^(tests?|spec)$/i.test(s) || /\.Tests?$/.test(s));
    if (at >= 0) location = `${segments.slice(0, at + 1).join('/')}/`;
  } else {
    location = '__tests__/ folders';
  }
  const rule = namingRule(name);
  return { path: file, location, naming: rule ?? `*${path.extname(name)}`, named: rule !== undefined };
}

function namingRule(name: string): string | undefined {
  const dotted = /\.(test|spec)\.([A-Za-z0-9]+)$/.exec(name);
  if (dotted) return `*.${dotted[1]}.${dotted[2]}`;
  const nodeStyle = /^(?:.+([-_])test|test-.+)\.([cm]?[jt]sx?)$/.exec(name);
  if (nodeStyle) return nodeStyle[1] ? `*${nodeStyle[1]}test.${nodeStyle[2]}` : `test-*.${nodeStyle[2]}`;
  if (/^test_.+\.py$/.test(name)) return 'test_*.py';
  if (/_test\.(py|go|rb)$/.test(name)) return `*_test${path.extname(name)}`;
  if (/_spec\.rb$/.test(name)) return '*_spec.rb';
  const suffixed = /(Tests?|IT)\.(java|kt|cs|swift)$/.exec(name);
  if (suffixed) return `*${suffixed[1]}.${suffixed[2]}`;
  return undefined;
}

/** The most frequent values, the first always, others when they hold at least a third of the files. */
function dominant(values: string[]): string[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const first = ranked[0];
  if (!first) return [];
  return [first[0], ...ranked.slice(1, 2).filter(([, n]) => n * 3 >= values.length).map(([v]) => v)];
}

const MARKERS: readonly [RegExp, string][] = [
  [/from\s+['"]vitest['"]|require\(['"]vitest['"]\)/, 'vitest'],
  [/from\s+['"]node:test['"]|require\(['"]node:test['"]\)/, 'node:test'],
  [/@jest\/globals/, 'jest'],
  [/from\s+['"]mocha['"]|require\(['"]mocha['"]\)/, 'mocha'],
  [/from\s+['"]ava['"]|require\(['"]ava['"]\)/, 'ava'],
  [/^\s*(import|from)\s+pytest\b/m, 'pytest'],
  [/^\s*(import|from)\s+unittest\b/m, 'unittest'],
  [/^\s*import\s+"testing"|^\s*"testing"$/m, "Go's testing package"],
  [/#\[(tokio::)?test\]/, "Rust's #[test]"],
  [/org\.junit\.jupiter/, 'JUnit 5'],
  [/import\s+org\.junit\.(Test|Assert)/, 'JUnit 4'],
  [/org\.testng/, 'TestNG'],
  [/RSpec\.describe|^\s*describe\s.+\bdo\b/m, 'RSpec'],
  [/Minitest::Test/, 'minitest'],
  [/\[Fact\]|\[Theory\]/, 'xUnit'],
  [/\[TestFixture\]|using NUnit/, 'NUnit'],
  [/\[TestMethod\]/, 'MSTest'],
];

const JS_RUNNERS = ['vitest', 'jest', 'mocha', 'ava', 'jasmine'];

async function detectFrameworks(root: string, files: TestFile[]): Promise<string[]> {
  const counts = new Map<string, number>();
  let plainJs = false;
  let plainPython = false;
  for (const file of files.slice(0, MAX_READ)) {
    const text = await readFile(path.join(root, file.path), 'utf8').catch(() => '');
    const found = MARKERS.filter(([re]) => re.test(text)).map(([, name]) => name);
    for (const name of found) counts.set(name, (counts.get(name) ?? 0) + 1);
    if (found.length === 0 && /\.[cm]?[jt]sx?$/.test(file.path)) plainJs = true;
    if (found.length === 0 && /^def test_/m.test(text)) plainPython = true;
  }
  // Bare describe/it or bare test functions come from a runner's globals: name it from the manifest.
  if (plainJs && counts.size === 0) {
    const runner = (await devDependencies(root)).find((d) => JS_RUNNERS.includes(d));
    if (runner) counts.set(runner, 1);
  }
  if (plainPython && !counts.has('pytest')) counts.set('pytest', 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 2).map(([name]) => name);
}

const PackageJson = z.object({
  scripts: z.record(z.string(), z.string()).optional(),
  dependencies: z.record(z.string(), z.string()).optional(),
  devDependencies: z.record(z.string(), z.string()).optional(),
});

async function packageJson(root: string): Promise<z.infer<typeof PackageJson> | undefined> {
  try {
    const parsed = PackageJson.safeParse(JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

async function devDependencies(root: string): Promise<string[]> {
  const pkg = await packageJson(root);
  return Object.keys({ ...pkg?.dependencies, ...pkg?.devDependencies });
}
