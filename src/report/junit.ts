// The verification as a JUnit XML report: one suite per verifying run, a case per test that failed at the start.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import junit from 'junit-report-builder';
import type { TestCase as Case, TestRun } from '../testing/types.js';
import { sameTest } from './rows.js';
import type { Report } from './types.js';

type Suite = ReturnType<ReturnType<typeof junit.newBuilder>['testSuite']>;

/** Builds the XML text (the evidence folder redacts it before writing). */
export function buildJUnit(report: Report): string {
  // newBuilder(): the default export is a process-wide singleton that would collect suites across reports.
  const builder = junit.newBuilder();
  const verifying = report.runs.filter((r) => r.phase === 'verify');
  const last = report.runs.at(-1);
  const runs = verifying.length ? verifying : last ? [last] : [];
  for (const run of runs) addSuite(builder.testSuite(), run, report);
  return builder.build();
}

export async function writeJUnit(report: Report, file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, buildJUnit(report));
}

function addSuite(suite: Suite, run: TestRun, report: Report): void {
  suite
    .name(clean(`#${run.index} ${run.phase}: ${run.command}`))
    .time(run.durationMs / 1000)
    .property('command', clean(run.command))
    .property('phase', run.phase)
    .property('targeted', String(run.targeted))
    .property('exitCode', run.exitCode === null ? 'none' : String(run.exitCode))
    .property('timedOut', String(run.timedOut))
    .property('log', path.basename(run.logFile));

  const done: Case[] = [];
  const seen = (t: Case) => done.some((d) => sameTest(d, t));

  // The tests that failed at the start come first: they are what this run verifies.
  for (const t of report.failingBefore) {
    if (seen(t)) continue;
    done.push(t);
    const c = newCase(suite, t);
    const failure = run.parsed.failures.find((f) => sameTest(f, t));
    if (failure) c.failure(firstLine(failure.message)).stacktrace(cdata([failure.message, ...failure.frames].join('\n')));
    else if (!run.parsed.passedCases.some((p) => sameTest(p, t)) && !run.ok) {
      c.failure('not seen passing: the run failed without reporting this test');
    }
  }
  for (const f of run.parsed.failures) {
    if (seen(f)) continue;
    done.push(f);
    newCase(suite, f).failure(firstLine(f.message)).stacktrace(cdata([f.message, ...f.frames].join('\n')));
  }
  for (const p of run.parsed.passedCases) {
    if (seen(p)) continue;
    done.push(p);
    newCase(suite, p);
  }
  // A run that failed with no test to blame (a crash, a timeout, a compile error) still fails the report.
  if (!run.ok && run.parsed.failures.length === 0) {
    const why = run.timedOut
      ? `timed out after ${Math.round(run.durationMs / 1000)} s`
      : `exited with code ${run.exitCode ?? 'none'}`;
    const lines = run.parsed.failureLines?.length ? cdata(run.parsed.failureLines.join('\n')) : undefined;
    suite.testCase().className('test command').name(clean(run.command)).error(`The test command ${why}`, 'RunFailed', lines);
  }
}

function newCase(suite: Suite, t: Case) {
  return suite
    .testCase()
    .className(clean(t.file ?? 'tests'))
    .name(clean(t.name));
}

// ANSI colours, then characters XML 1.0 cannot hold (xmlbuilder throws on them).
const Ansi = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;
const NotXml = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function clean(value: string): string {
  return value.replace(Ansi, '').replace(NotXml, '');
}

/** Text for a CDATA section: xmlbuilder splits only the first `]]>`, a second one would end the section early. */
function cdata(value: string): string {
  return clean(value).replaceAll(']]>', ']] >');
}

/** The failure attribute holds the first line; the whole message and frames go in the element's text. */
function firstLine(message: string): string {
  const line = clean(message).trim().split('\n')[0] ?? '';
  return (line.length > 500 ? `${line.slice(0, 499)}…` : line) || 'failed';
}
