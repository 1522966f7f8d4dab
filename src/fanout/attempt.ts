// A fan-out cell's record for pick: what the attempt did, how big its verified change is, what it cost; one small artifact.
import type { Report } from '../report/types.js';
import type { Settings } from '../settings.js';
import { attemptArtifactName } from './keys.js';
import type { CellMode } from './keys.js';
import { AttemptFile, type AttemptRecord } from './record.js';
import { uploadJsonArtifact } from './artifacts.js';

export function attemptRecord(report: Report, settings: Settings, mode: CellMode): AttemptRecord {
  const verified = (report.status === 'fixed' || report.status === 'completed') && Boolean(report.branch && report.commit);
  const record: AttemptRecord = {
    version: 1,
    key: settings.key,
    attempt: settings.attempt,
    bestOf: settings.bestOf,
    mode,
    model: settings.model,
    status: report.status,
    verified,
    reason: report.reason,
    files: report.changes.map((c) => c.path),
    linesAdded: report.changes.reduce((n, c) => n + c.added, 0),
    linesRemoved: report.changes.reduce((n, c) => n + c.removed, 0),
    tokens: report.usage.promptTokens + report.usage.completionTokens,
    turns: report.usage.turns,
    baseSha: report.source?.sha ?? '',
    title: titleOf(report, mode),
  };
  if (report.usage.costUsd !== undefined) record.costUsd = report.usage.costUsd;
  if (verified) {
    record.branch = report.branch!;
    record.sha = report.commit!;
  }
  if (report.source?.ref) record.baseBranch = report.source.ref;
  if (report.prUrl) record.prUrl = report.prUrl;
  if (report.source?.runUrl) record.runUrl = report.source.runUrl;
  return record;
}

/** Uploads the record under the key's and attempt's name; `redact` is the exit gate every byte that leaves passes. */
export async function uploadAttempt(record: AttemptRecord, runAttempt: number, redact: (text: string) => string): Promise<string> {
  const name = attemptArtifactName(record.key, record.attempt, runAttempt);
  await uploadJsonArtifact(name, AttemptFile, redact(JSON.stringify(record, null, 2)));
  return name;
}

function titleOf(report: Report, mode: CellMode): string {
  if (mode === 'task') return `redgreen: ${(report.prompt ?? 'task').split('\n')[0]!.slice(0, 120)}`;
  const names = report.failingBefore.map((f) => f.name);
  const what = names.length === 1 ? names[0] : `${names.length} failing tests`;
  return `redgreen: fix ${what}${report.source?.ref ? ` on ${report.source.ref}` : ''}`.slice(0, 200);
}
