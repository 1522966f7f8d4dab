// Builds the command line of one test run: the user's command plus rerun filters and report flags, at their places.
import { specFor } from './runners/index.js';
import type { Anchor, Insertion, Invocation, ReportRequest } from './runners/types.js';
import { insertArgs } from './shell.js';
import type { TestCase } from './types.js';

/**
 * Inserts each group of arguments at its offset (the anchor when none is given). Groups at one offset
 * keep their order; the anchor's separator (npm's `--`) is written once, before the first group there.
 */
export function applyInserts(command: string, anchor: Anchor, inserts: Insertion[]): string {
  const byOffset = new Map<number, string[]>();
  for (const insert of inserts) {
    const at = insert.at ?? anchor.at;
    byOffset.set(at, [...(byOffset.get(at) ?? []), ...insert.args]);
  }
  let out = command;
  for (const at of [...byOffset.keys()].sort((a, b) => b - a)) {
    out = insertArgs(out, at, byOffset.get(at)!, at === anchor.at ? anchor.sep : '');
  }
  return out;
}

/** The arguments that make this invocation run only these tests, or undefined when it cannot. */
export function targetInserts(inv: Invocation, targets: TestCase[], root: string): Insertion[] | undefined {
  if (!inv.anchor || targets.length === 0) return undefined;
  return specFor(inv.kind)?.targetArgs?.(targets, inv, { root, dir: inv.dir });
}

/** The arguments and environment that make this invocation write a report into reportDir, if it can. */
export function reportRequest(inv: Invocation, reportDir: string): ReportRequest | undefined {
  if (!inv.anchor) return undefined;
  return specFor(inv.kind)?.reportArgs?.(inv, reportDir);
}

/** The command that reruns only these tests, or undefined when the runner cannot (for messages and tests). */
export function targetedCommand(command: string, inv: Invocation, targets: TestCase[], root: string): string | undefined {
  const inserts = targetInserts(inv, targets, root);
  return inserts && inv.anchor ? applyInserts(command, inv.anchor, inserts) : undefined;
}
