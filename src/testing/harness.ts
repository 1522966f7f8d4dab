// The test stage's one entry point: runs the test command (whole or targeted), logs each run, reads its results.
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { plainText } from './ansi.js';
import { detectInvocation } from './detect.js';
import { failureLines } from './failure-lines.js';
import { applyInserts, reportRequest, targetInserts } from './plan.js';
import { activeSandbox } from '../safety/sandbox.js';
import { runProcess, type ProcessResult } from './process.js';
import { isFileCase } from './runners/common.js';
import { detectFromOutput, specFor } from './runners/index.js';
import type { Insertion, Invocation, ParseContext, ReportRequest } from './runners/types.js';
import type { HarnessOptions, ParsedResult, RunOptions, RunnerKind, TestHarness, TestRun } from './types.js';

/** Output that says the runner refused an option we added (an old version without that flag). */
const REJECTED_OPTION = /unknown (?:option|argument|flag)|unrecognized (?:option|arguments?)|bad option|invalid option|no such option|unexpected argument/i;

function redactParsed(parsed: ParsedResult, redact: (text: string) => string): ParsedResult {
  const tc = <T extends { name: string; file?: string }>(c: T): T => ({
    ...c,
    name: redact(c.name),
    ...(c.file !== undefined ? { file: redact(c.file) } : {}),
  });
  return {
    ...parsed,
    failures: parsed.failures.map((f) => ({ ...tc(f), message: redact(f.message), frames: f.frames.map(redact) })),
    passedCases: parsed.passedCases.map(tc),
  };
}

/**
 * A failure named after its file stands for the whole file (it failed to load). To let such a failure be
 * seen passing later, every file whose tests all passed is also listed as a passing case named after it.
 */
function withFilePasses(parsed: ParsedResult): ParsedResult {
  const failed = new Set(parsed.failures.map((f) => f.file));
  const files = new Set<string>();
  for (const c of parsed.passedCases) if (c.file && !isFileCase(c) && !failed.has(c.file)) files.add(c.file);
  const extra = [...files].filter((file) => !parsed.passedCases.some((c) => c.file === file && c.name === file));
  return extra.length ? { ...parsed, passedCases: [...parsed.passedCases, ...extra.map((file) => ({ file, name: file }))] } : parsed;
}

/**
 * Nothing ran: a rerun filter that matched no test exits 0 on most runners. A file reported as passing
 * (node:test does so for a file whose tests were all filtered out) is not a test that ran.
 */
function ranNothing(parsed: ParsedResult): boolean {
  if (parsed.failures.length > 0 || parsed.source === 'none') return false;
  const passed = parsed.passedCases.filter((c) => !isFileCase(c)).length;
  return parsed.source === 'report' ? passed === 0 : passed === 0 && (parsed.passed ?? 0) === 0;
}

/**
 * The command to run and where arguments go in it: for a check, the runner's own part of the command (with
 * its setup); for a full run, the whole command, with report flags wherever the runner stands in it.
 */
function shaped(inv: Invocation, command: string, check: boolean): { inv: Invocation; base: string } {
  if (check && inv.focus) return { inv: { ...inv, anchor: inv.focus.anchor }, base: inv.focus.command };
  if (!inv.anchor && inv.reportAnchor) return { inv: { ...inv, anchor: inv.reportAnchor }, base: command };
  return { inv, base: command };
}

/** A harness for one test command. Runs happen one at a time, in the order they are asked for. */
export function createTestHarness(opts: HarnessOptions): TestHarness {
  const root = resolve(opts.cwd);
  const main = detectInvocation(opts.command, root);
  let kind: RunnerKind = main.kind;
  // Switched off for good once the runner shows it cannot take them.
  let reportsWork = true;
  let targetingWorks = true;
  const runs: TestRun[] = [];
  let next = 1;
  const added: Record<string, string> = {};

  async function parse(inv: Invocation, res: ProcessResult, reportDir: string, startedAt: number): Promise<ParsedResult> {
    const output = plainText(res.output);
    const ctx: ParseContext = { root, dir: inv.dir, args: inv.args };
    const spec = specFor(inv.kind);
    const fromReport = await spec?.readReport?.({ ...ctx, reportDir, startedAt, output });
    if (fromReport) return fromReport;
    const fromOutput = spec?.parseOutput(output, ctx);
    if (fromOutput) return fromOutput;
    const seen = detectFromOutput(output);
    if (seen !== 'unknown') {
      if (inv === main && kind === 'unknown') kind = seen;
      const parsed = specFor(seen)!.parseOutput(output, ctx);
      if (parsed) return parsed;
    }
    return { runner: inv.kind === 'unknown' ? seen : inv.kind, failures: [], passedCases: [], source: 'none' };
  }

  async function attempt(
    index: number,
    ro: RunOptions,
    inv: Invocation,
    base: string,
    targets: Insertion[] | undefined,
  ): Promise<{ run: TestRun; report?: ReportRequest; reportRead: boolean; output: string }> {
    // Where the untrusted test runner may write its report and the action can read it.
    const reportDir = await activeSandbox().scratch('redgreen-report-');
    const logFile = join(opts.logDir, `${String(index).padStart(2, '0')}-${ro.phase}.log`);
    try {
      const report = reportsWork ? reportRequest(inv, reportDir) : undefined;
      // Report flags before the filters: some runners take nothing for themselves after a file argument.
      const command = inv.anchor ? applyInserts(base, inv.anchor, [...(report?.inserts ?? []), ...(targets ?? [])]) : base;
      const startedAt = Date.now();
      const res = await runProcess({
        command,
        cwd: root,
        env: { ...opts.env, ...added, ...ro.env, ...report?.env },
        timeoutMs: opts.timeoutSec * 1000,
        logFile,
        redact: opts.redact,
        onOutput: opts.onOutput,
      });
      let parsed = withFilePasses(redactParsed(await parse(inv, res, reportDir, startedAt), opts.redact));
      if ((res.exitCode !== 0 || res.timedOut) && parsed.failures.length === 0) {
        parsed = { ...parsed, failureLines: failureLines(plainText(res.output)).map(opts.redact) };
      }
      const run: TestRun = {
        index,
        phase: ro.phase,
        // What ran, as a person would rerun it: the filters, not the report plumbing.
        command: opts.redact(targets && inv.anchor ? applyInserts(base, inv.anchor, targets) : base),
        targeted: targets !== undefined,
        exitCode: res.exitCode,
        timedOut: res.timedOut,
        durationMs: res.durationMs,
        logFile,
        logBytes: res.logBytes,
        parsed,
        ok: res.exitCode === 0 && !res.timedOut,
      };
      return { run, report, reportRead: parsed.source === 'report', output: res.output };
    } finally {
      await rm(reportDir, { recursive: true, force: true });
    }
  }

  async function run(ro: RunOptions): Promise<TestRun> {
    // Setup may download; everything after it runs without the network when the network input says off.
    if (ro.phase !== 'setup') activeSandbox().cutNetwork();
    const index = next++;
    const whole = ro.command ?? opts.command;
    const detected = ro.command ? detectInvocation(ro.command, root) : main;
    // A check runs only the runner's part of a compound command; a full run runs all of it.
    const focused = !ro.command && ro.targets && targetingWorks ? shaped(detected, whole, true) : undefined;
    const targets = focused ? targetInserts(focused.inv, ro.targets!, root) : undefined;
    const { inv, base } = targets ? focused! : shaped(detected, whole, false);

    let result = await attempt(index, ro, inv, base, targets);
    if (result.report && !result.reportRead && !result.run.ok && !result.run.timedOut && REJECTED_OPTION.test(result.output)) {
      // This version of the runner does not know the report flags: go on without them.
      reportsWork = false;
      result = await attempt(index, ro, inv, base, targets);
    }
    if (targets && result.run.ok && ranNothing(result.run.parsed)) {
      // The filter matched nothing, so the exit code proves nothing: run everything from now on.
      targetingWorks = false;
      const full = shaped(detected, whole, false);
      result = await attempt(index, ro, full.inv, full.base, undefined);
    }
    runs.push(result.run);
    return result.run;
  }

  return {
    get runner() {
      return kind;
    },
    get runs() {
      return runs;
    },
    run,
    addEnv(env, path) {
      Object.assign(added, env);
      // Entries written later come first, as on the runner.
      if (path.length) added['PATH'] = [...path, added['PATH'] ?? opts.env['PATH'] ?? ''].filter(Boolean).join(':');
    },
  };
}
