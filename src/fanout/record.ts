// What a matrix cell leaves for pick (one small JSON artifact per attempt) and what plan leaves about the matrix.
import { z } from 'zod';

export const AttemptRecordSchema = z.object({
  version: z.literal(1),
  key: z.string().min(1),
  attempt: z.number().int().positive(),
  bestOf: z.number().int().positive(),
  mode: z.enum(['fix', 'task']),
  model: z.string(),
  /** The cell's status: fixed, completed, gave-up, error, ... */
  status: z.string(),
  /** The change passed verification and was pushed. */
  verified: z.boolean(),
  /** One sentence: how the attempt ended, what it tried. */
  reason: z.string(),
  files: z.array(z.string()),
  linesAdded: z.number().int().nonnegative(),
  linesRemoved: z.number().int().nonnegative(),
  tokens: z.number().int().nonnegative(),
  turns: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative().optional(),
  /** The attempt branch holding the verified change, and its commit. */
  branch: z.string().optional(),
  sha: z.string().optional(),
  /** The commit the change is based on and the branch a pull request goes into. */
  baseSha: z.string(),
  baseBranch: z.string().optional(),
  /** With best-of 1 the cell opened its own pull request. */
  prUrl: z.string().optional(),
  /** The title the cell's pull request would have. */
  title: z.string(),
  runUrl: z.string().optional(),
});
export type AttemptRecord = z.infer<typeof AttemptRecordSchema>;

export const PlanRecordSchema = z.object({
  version: z.literal(1),
  keys: z.array(
    z.object({
      key: z.string().min(1),
      mode: z.enum(['fix', 'task']),
      name: z.string(),
      attempts: z.number().int().positive(),
      alsoFailed: z.array(z.string()).default([]),
    }),
  ),
  /** The cells, by key and attempt, with the job names pick looks up to link each attempt's job. */
  entries: z.array(z.object({ key: z.string(), attempt: z.number().int().positive(), name: z.string(), model: z.string() })),
  leftOut: z.array(z.string()),
});
export type PlanRecord = z.infer<typeof PlanRecordSchema>;

export const AttemptFile = 'attempt.json';
export const PlanFile = 'plan.json';

export function linesOf(r: Pick<AttemptRecord, 'linesAdded' | 'linesRemoved'>): number {
  return r.linesAdded + r.linesRemoved;
}
