// Builds the command line of one test run: the user's command plus rerun filters and report flags, at their places.
import { specFor } from './runners/index.js';
import type { Anchor, Insertion, Invocation, ReportRequest } from './runners/types.js';
import { insertArgs, quoteArg } from './shell.js';
import type { TestCase } from './types.js';

/**
 * Inserts each group of arguments at its offset (the anchor when none is given). Groups at one offset
 * keep their order; the anchor's separator (npm's `--`) is written once, before the first group there.
 */
export function applyInserts(command: string, anchor: Anchor, inserts: Insertion[]): string {
  const byOffset = new Map<number, { args: string[]; to?: number }>();
  for (const insert of inserts) {
    const at = insert.at ?? anchor.at;
    const group = byOffset.get(at) ?? { args: [] };
    group.args.push(...insert.args);
    if (insert.replaceTo !== undefined) group.to = Math.max(group.to ?? at, insert.replaceTo);
    byOffset.set(at, group);
  }
  let out = command;
  for (const at of [...byOffset.keys()].sort((a, b) => b - a)) {
    const { args, to } = byOffset.get(at)!;
    if (to === undefined) {
      out = insertArgs(out, at, args, at === anchor.at ? anchor.sep : '');
      continue;
    }
    // Words replaced by nothing take the space before them along.
    const from = args.length === 0 && out[at - 1] === ' ' ? at - 1 : at;
    out = `${out.slice(0, from)}${args.map(quoteArg).join(' ')}${out.slice(to)}`;
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
  const focused = inv.focus ? { ...inv, anchor: inv.focus.anchor } : inv;
  const base = inv.focus ? inv.focus.command : command;
  const inserts = targetInserts(focused, targets, root);
  return inserts && focused.anchor ? applyInserts(base, focused.anchor, inserts) : undefined;
}
