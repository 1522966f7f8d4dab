// Reads any runner's JUnit XML (pytest, vitest, node:test, Maven Surefire, Gradle) into test cases and results.
import { plainText } from '../ansi.js';
import { boundText, messageOf, projectFrames } from '../frames.js';
import type { ParsedResult, RunnerKind, TestCase, TestFailure } from '../types.js';
import { parseXml, type XmlElement } from '../xml.js';
import { result } from './common.js';

export interface JUnitCase {
  /** Names of the enclosing <testsuite> elements, outermost first. */
  suites: string[];
  classname?: string;
  name: string;
  file?: string;
  status: 'passed' | 'failed' | 'skipped';
  /** The message attribute of <failure> or <error>. */
  message?: string;
  /** The text of <failure> or <error>: stack, diff, captured code. */
  details?: string;
}

/** The test cases of a JUnit document, in order; undefined when it is not JUnit XML at all. */
export function readJUnitCases(xml: string): JUnitCase[] | undefined {
  const root = parseXml(xml);
  if (!root || (root.name !== 'testsuites' && root.name !== 'testsuite')) return undefined;
  const cases: JUnitCase[] = [];
  const walk = (el: XmlElement, suites: string[]): void => {
    for (const child of el.children) {
      if (child.name === 'testsuite') walk(child, [...suites, child.attrs.name ?? '']);
      else if (child.name === 'testcase') cases.push(toCase(child, suites));
    }
  };
  if (root.name === 'testsuite') walk(root, [root.attrs.name ?? '']);
  else walk(root, []);
  return cases;
}

function toCase(el: XmlElement, suites: string[]): JUnitCase {
  const problem = el.children.find((c) => c.name === 'failure' || c.name === 'error');
  const skipped = el.children.some((c) => c.name === 'skipped');
  const details = problem ? plainText(problem.text).replace(/^\n+/, '').trimEnd() : undefined;
  return {
    suites,
    classname: el.attrs.classname || undefined,
    name: el.attrs.name ?? '',
    file: el.attrs.file || undefined,
    status: problem ? 'failed' : skipped ? 'skipped' : 'passed',
    message: problem?.attrs.message !== undefined ? plainText(problem.attrs.message) : undefined,
    details: details || undefined,
  };
}

/** The failure text shown for a case: its details before the stack, or the message attribute. */
export function failureMessage(c: JUnitCase): string {
  const details = c.details ?? '';
  // pytest puts the source listing first and marks the explanation with "E   ".
  const eLines = details.split('\n').filter((line) => /^E {1,8}\S/.test(line) || /^E\s*$/.test(line));
  if (eLines.length > 0) return boundText(eLines.map((line) => line.replace(/^E {1,8}/, '').replace(/^E\s*$/, '')).join('\n').trim(), 40, 4000);
  const fromDetails = details ? messageOf(details) : '';
  const message = (c.message ?? '').trim();
  if (!fromDetails) return boundText(message, 40, 4000);
  if (message && !fromDetails.includes(message.split('\n')[0]!)) return boundText(`${message}\n${fromDetails}`, 40, 4000);
  return fromDetails;
}

/** Turns cases into a parsed result, naming each case the way its runner names tests. */
export function junitResult(
  runner: RunnerKind,
  cases: JUnitCase[],
  name: (c: JUnitCase) => TestCase,
  frames: { root: string; dir: string },
): ParsedResult {
  const failures: TestFailure[] = [];
  const passed: TestCase[] = [];
  let skipped = 0;
  for (const c of cases) {
    if (c.status === 'skipped') {
      skipped++;
      continue;
    }
    const tc = name(c);
    if (c.status === 'passed') {
      passed.push(tc);
      continue;
    }
    failures.push({
      ...tc,
      message: failureMessage(c),
      frames: projectFrames(c.details ?? '', frames.root, frames.dir),
    });
  }
  return result(runner, 'report', failures, passed, { passed: passed.length, failed: failures.length, skipped });
}
