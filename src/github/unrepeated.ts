// What of the failed job cannot be repeated by running commands here, and what to add to the redgreen job instead.
import { asString, type Scope } from './expressions.js';
import { isObject } from './matrix.js';
import { valueOf, type WorkflowJob } from './workflow-file.js';

export function notRepeated(opts: { job: WorkflowJob; scope: Scope; actions: string[] }): string[] {
  const { job, scope } = opts;
  const out: string[] = [];
  const unknown = new Set<string>();
  if (opts.actions.length > 0) {
    const actions = [...new Set(opts.actions)];
    out.push(
      `Steps that use actions were not repeated (${actions.join(', ')}): add the ones the tests need (setup-node, setup-python, a cache…) ` +
        'to the redgreen job before the redgreen step.',
    );
  }
  if (job.services) {
    const services = valueOf(job.services, scope, unknown);
    const names = isObject(services) ? Object.keys(services) : [];
    out.push(`The job's services (${names.join(', ') || 'as an expression'}) were not started: add the same \`services:\` to the redgreen job.`);
  }
  if (job.container) {
    const container = valueOf(job.container, scope, unknown);
    const image = isObject(container) ? asString(container['image'] ?? '') : asString(container);
    out.push(`The job ran in the container ${image || '(an expression)'}, which was not used here: give the redgreen job the same \`container:\`.`);
  }
  if (job.runsOn) {
    const runsOn = valueOf(job.runsOn, scope, unknown);
    const labels = (Array.isArray(runsOn) ? runsOn : isObject(runsOn) ? [runsOn['labels'] ?? ''] : [runsOn]).flat().map(asString);
    const other = labels.find((l) => /windows|macos|mac-|osx/i.test(l));
    if (other) out.push(`The job ran on ${other}, not Linux; its steps were repeated on this Linux runner: run redgreen with \`runs-on: ${other}\` to repeat it there.`);
  }
  return out;
}
