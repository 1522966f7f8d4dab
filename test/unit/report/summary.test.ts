// The job summary, PR body and terminal table: the right rows, safe escaping, and size caps that hold at any scale.
import { describe, expect, it } from 'vitest';
import { byteLength } from '../../../src/report/markdown.js';
import { changeRows, coverageRows, evidenceRows, failingRows, usageFacts } from '../../../src/report/rows.js';
import { PrBodyLimit, renderPrBody, renderSummary, renderTerminal, SummaryLimit } from '../../../src/report/summary.js';
import { failure, fixedReport, run } from './sample.js';

describe('rows', () => {
  it('has one evidence row per run with phase, scope, result, counts and duration', () => {
    const report = fixedReport();
    report.runs.push(run(4, { phase: 'verify', timedOut: true, exitCode: null, durationMs: 300_400, parsed: { runner: 'vitest', failures: [], passedCases: [], source: 'none' } }));
    const rows = evidenceRows(report);
    expect(rows.map((r) => [r.index, r.phase, r.scope, r.resultText, r.passed, r.failed])).toEqual([
      [1, 'reproduce', 'full', 'failed (exit 1)', 3, 2],
      [2, 'edit-check', 'targeted', 'passed', 2, 0],
      [3, 'verify', 'full', 'passed', 5, 0],
      [4, 'verify', 'full', 'timed out after 300 s', undefined, undefined],
    ]);
  });

  it('says what became of each test that failed at the start', () => {
    const report = fixedReport();
    expect(failingRows(report).map((r) => [r.test, r.before, r.after])).toEqual([
      ['math > adds', 'failed', 'passed'],
      ['math > subtracts', 'failed', 'passed'],
    ]);
    const gaveUp = fixedReport({
      status: 'gave-up',
      failingAfter: [{ name: 'math > subtracts', file: 'test/math.test.js' }],
      runs: [fixedReport().runs[0]!],
    });
    expect(failingRows(gaveUp).map((r) => r.after)).toEqual(['not rerun', 'failed']);
  });

  it('sorts files and coverage, and adds up tokens', () => {
    const report = fixedReport({
      changes: [
        { path: 'z.js', added: 1, removed: 0 },
        { path: 'a.js', added: 0, removed: 3 },
      ],
      coverage: { before: 50, after: 60, files: [{ path: 'a.js', before: 10, after: 20 }, { path: 'b.js', before: 10, after: 50 }] },
    });
    expect(changeRows(report).map((c) => c.path)).toEqual(['a.js', 'z.js']);
    expect(coverageRows(report)).toEqual([
      { path: 'b.js', before: 10, after: 50, delta: 40 },
      { path: 'a.js', before: 10, after: 20, delta: 10 },
    ]);
    expect(usageFacts(report).totalTokens).toBe(13_023);
  });
});

describe('renderSummary', () => {
  it('shows status, subject, before → after, evidence, files, model use and links', () => {
    const md = renderSummary(fixedReport());
    expect(md).toMatch(/^## ✅ redgreen: fixed\n/);
    expect(md).toContain('The failing tests pass and the full test command exits 0.');
    expect(md).toContain('**Fix** of the failing check at <code>octo/app@0123456</code> on <code>main</code>');
    expect(md).toContain('Test command: <code>npm test</code> (found from: the failed step "Run tests" of workflow ci.yml)');
    expect(md).toContain('### Failing tests: before → after');
    expect(md).toContain('| <code>math &gt; adds</code> <sub>test/math.test.js</sub> | ❌ failed | ✅ passed |');
    expect(md).toContain('### Evidence: 3 test runs');
    expect(md).toContain('| 1 | reproduce | <code>npm test</code> | full | ❌ failed (exit 1) | 3 | 2 | 1.2 s |');
    expect(md).toContain('| 3 | verify | <code>npm test</code> | full | ✅ passed | 5 | 0 | 2.1 s |');
    expect(md).toMatch(/\| 2 \| edit-check \| <code>npx vitest run test\/math\.test\.js -t "math &gt; adds"<\/code> \| targeted \|/);
    expect(md).toContain('| <code>src/math.js</code> | +2 | −2 |');
    expect(md).toContain('| 4 | 12,345 | 10,240 | 678 | 512 | $0.04 |');
    expect(md).toContain('- Pull request: https://github.com/octo/app/pull/7');
    expect(md).toContain('[artifact](https://github.com/octo/app/actions/runs/99/artifacts/5)');
    expect(md).toContain('<details><summary>Failure messages at the start</summary>');
    expect(md).toContain('expected 1, got 5');
  });

  it('says how green was decided, and shows the failure lines of output no parser reads', () => {
    expect(renderSummary(fixedReport({ greenBy: 'test names' }))).toContain('Green decided by **test names**');
    const lines = ['checking slugify keeps digits... FAIL', '1 check(s) failed'];
    const red = run(1, { parsed: { runner: 'unknown', failures: [], passedCases: [], source: 'none', failureLines: lines } });
    const blind = fixedReport({ greenBy: 'exit code', failingBefore: [], failingAfter: [], runs: [red, run(2, { phase: 'verify', ok: true, exitCode: 0 })] });
    const out = renderSummary(blind);
    expect(out).toContain('Green decided by the **exit code** only: the output names no tests to compare, so changes that remove or disable tests were refused.');
    expect(out).toContain(`### What failed at the start\n\nThe output names no tests; these are the lines that report failures:\n\n\`\`\`\n${lines.join('\n')}\n\`\`\``);
    expect(renderSummary({ ...blind, mode: 'task' })).toContain('Green decided by the **exit code** only: the output names no tests to compare.');
  });

  it('escapes names that would break the table or vanish as HTML', () => {
    const evil = failure('renders <Widget> | with\npipe and *stars*');
    const md = renderSummary(fixedReport({ failingBefore: [evil], failingAfter: [evil] }));
    const row = md.split('\n').find((l) => l.includes('Widget'));
    expect(row).toBe('| <code>renders &lt;Widget&gt; \\| with pipe and *stars*</code> <sub>test/math.test.js</sub> | ❌ failed | ❌ failed |');
    expect(md).not.toContain('<Widget>');
  });

  it('says when no model request was made, and shows the task and coverage when there are', () => {
    const notReproduced = renderSummary(
      fixedReport({ status: 'not-reproduced', reason: 'Passed 3 times here.', usage: { turns: 0, promptTokens: 0, completionTokens: 0 }, changes: [] }),
    );
    expect(notReproduced).toMatch(/^## ⚪ redgreen: not-reproduced/);
    expect(notReproduced).toContain('No model requests were made.');
    expect(notReproduced).not.toContain('### Files changed');

    const task = renderSummary(
      fixedReport({
        mode: 'task',
        status: 'completed',
        prompt: 'Add a --json flag\nand document it',
        coverage: { before: 41.25, after: 58.5, files: [{ path: 'src/x.ts', before: 0, after: 80 }] },
        flipping: [{ name: 'io > retries' }],
      }),
    );
    expect(task).toContain('**Task** at <code>octo/app@0123456</code>');
    expect(task).toContain('> Add a --json flag\n> and document it');
    expect(task).toContain('Line coverage: **41.3% → 58.5%** (+17.3 points)');
    expect(task).toContain('| <code>src/x.ts</code> | 0.0% | 80.0% | +80.0 |');
    expect(task).toContain('### Tests that both failed and passed here');
  });

  it('stays under 1 MiB with 5,000 runs and huge messages, and says it was cut', () => {
    const huge = 'x'.repeat(200_000);
    const failingBefore = Array.from({ length: 3000 }, (_, i) => failure(`suite ${i} > ${huge.slice(0, 5000)}`, huge));
    const runs = Array.from({ length: 5000 }, (_, i) =>
      run(i + 1, { command: `npm test -- ${huge.slice(0, 10_000)}`, phase: i === 4999 ? 'verify' : 'edit-check', parsed: { runner: 'vitest', failures: failingBefore.slice(0, 50), passedCases: [], source: 'report' } }),
    );
    const report = fixedReport({
      failingBefore,
      failingAfter: failingBefore,
      runs,
      notes: Array.from({ length: 2000 }, () => huge.slice(0, 2000)),
      changes: Array.from({ length: 5000 }, (_, i) => ({ path: `src/${huge.slice(0, 300)}/${i}.js`, added: i, removed: 1 })),
      reason: huge,
    });
    const md = renderSummary(report);
    expect(byteLength(md)).toBeLessThan(1024 * 1024);
    expect(byteLength(md)).toBeLessThanOrEqual(SummaryLimit);
    expect(md).toContain('runs not shown (all are in report.json)');
    expect(md).toContain('| 5000 | verify |');

    const pr = renderPrBody(report);
    expect(pr.length).toBeLessThan(60_000);
    expect(pr.length).toBeLessThanOrEqual(PrBodyLimit);
    expect(pr).toMatch(/Cut here to stay under GitHub’s size limit for a PR body/);
  });
});

describe('renderPrBody', () => {
  it('carries the evidence table and the failure it answers, without linking to itself', () => {
    const body = renderPrBody(fixedReport());
    expect(body).toMatch(/^### ✅ fixed: /);
    expect(body).toContain('### Evidence: 3 test runs');
    expect(body).toContain('### Failing tests: before → after');
    expect(body).not.toContain('Pull request:');
    expect(body.length).toBeLessThan(60_000);
  });
});

describe('renderTerminal', () => {
  it('lays the evidence table out in aligned columns', () => {
    const out = renderTerminal(fixedReport());
    const lines = out.split('\n');
    expect(lines[0]).toBe('redgreen: fixed - The failing tests pass and the full test command exits 0.');
    const tableLines = lines.slice(2, 6);
    expect(tableLines[0]).toMatch(/^#\s+phase\s+scope\s+result\s+passed\s+failed\s+duration\s+command$/);
    const commandColumn = tableLines[0]!.indexOf('command');
    for (const line of tableLines.slice(1)) expect(line.slice(commandColumn).startsWith('n')).toBe(true);
    expect(tableLines[1]).toMatch(/^1\s+reproduce\s+full\s+failed \(exit 1\)\s+3\s+2\s+1\.2 s\s+npm test$/);
    expect(out).toContain('math > adds: failed -> passed');
    expect(out).toContain('src/math.js +2 -2');
    expect(out).toContain('pull request: https://github.com/octo/app/pull/7');
  });
});
