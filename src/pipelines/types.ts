// What every pipeline is handed: the run's settings and context, resolved once by main.ts, and what it returns.
import type { ResolvedMode } from '../constants.js';
import type { GitHubApi } from '../github/api.js';
import type { RunContext } from '../github/context.js';
import type { Host } from '../host.js';
import type { Report } from '../report/types.js';
import type { ExitGate } from '../safety/gate.js';
import type { Settings } from '../settings.js';

export interface ActionRun {
  settings: Settings;
  ctx: RunContext;
  mode: ResolvedMode;
  api: GitHubApi;
  host: Host;
  gate: ExitGate;
  /** The local folder uploaded as the artifact (the `evidence-dir` output). */
  evidenceDir: string;
  /** Milliseconds since epoch when the step started. */
  startedAt: number;
}

/** One mode: the shared stages (reproduce, loop, verify, deliver, report) put together for that mode's job. */
export type Pipeline = (run: ActionRun) => Promise<Report>;
