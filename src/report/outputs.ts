// The action's outputs of a run, by output name, as the strings the action sets (the CLI's --json reads the same values).
import { Outputs } from '../constants.js';
import type { Report } from './types.js';

/** The outputs every run sets; plan's and pick's own (matrix, count, prs) come through `report.outputs`. */
export type OutputName = Exclude<(typeof Outputs)[keyof typeof Outputs], typeof Outputs.Matrix | typeof Outputs.Count | typeof Outputs.Prs>;

/** Every output, '' where the run has no value for it. */
export function actionOutputs(report: Report): Record<OutputName, string> {
  return {
    [Outputs.Status]: report.status,
    [Outputs.Branch]: report.branch ?? '',
    [Outputs.PrUrl]: report.prUrl ?? '',
    [Outputs.Attempts]: String(attempts(report)),
    [Outputs.EvidenceDir]: report.evidenceDir,
    [Outputs.CoverageBefore]: report.coverage ? String(report.coverage.before) : '',
    [Outputs.CoverageAfter]: report.coverage ? String(report.coverage.after) : '',
    [Outputs.Tokens]: String(report.usage.promptTokens + report.usage.completionTokens),
    [Outputs.CostUsd]: report.usage.costUsd === undefined ? '' : report.usage.costUsd.toFixed(4),
  };
}

/** Test runs that checked model edits: the targeted edit checks and the full verifications. */
export function attempts(report: Report): number {
  return report.runs.filter((r) => r.phase === 'edit-check' || r.phase === 'verify').length;
}
