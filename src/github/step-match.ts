// Pairs the steps the jobs API lists with a workflow job's steps: by the names the runner shows, or by position.
import type { JobStep } from './api.js';
import { templateMatcher } from './expressions.js';

/** The first line of a script as the runner prints it in `##[group]Run …`: leading blank space and lines skipped. */
export function firstLine(script: string): string {
  const trimmed = script.replace(/^[ \t\r\n]+/, '');
  const end = trimmed.search(/[\r\n]/);
  return end >= 0 ? trimmed.slice(0, end) : trimmed;
}

/** The name GitHub shows for a step: its `name:`, or `Run ` and the first line of its script or the action it uses. */
export function defaultStepName(step: { name?: string; run?: string; uses?: string }): string {
  if (step.name !== undefined) return step.name;
  if (step.run !== undefined) return `Run ${firstLine(step.run)}`;
  if (step.uses !== undefined) return `Run ${step.uses.replace(/^docker:\/\//, '')}`;
  return 'Run';
}

/**
 * True when the API's step name is this step's name: evaluated here, or (when a value could not be known here) its
 * template with any text in place of each expression, or cut short by GitHub.
 */
export function nameMatches(apiName: string, expected: string, template?: string): boolean {
  if (apiName === expected) return true;
  if (template?.includes('${{') && templateMatcher(template)(apiName)) return true;
  // GitHub cuts long display names and may mark the cut with an ellipsis.
  const cut = apiName.replace(/(\.\.\.|…)$/, '');
  return cut.length >= 40 && cut.length < expected.length && expected.startsWith(cut);
}

const jobFrame = new Set(['Set up job', 'Complete job', 'Initialize containers', 'Stop containers']);

/**
 * Pairs the API's steps with the workflow's: the API adds "Set up job", container steps, "Pre …" and "Post …"
 * around the job's own steps. Returns, for each workflow step, its API step, or undefined if the two lists do not line up.
 */
export function alignSteps(apiSteps: JobStep[], stepCount: number): JobStep[] | undefined {
  const inner = [...apiSteps].sort((a, b) => a.number - b.number).filter((s) => !jobFrame.has(s.name));
  const extra = inner.length - stepCount;
  if (extra < 0) return undefined;
  let pre = 0;
  while (pre < extra && inner[pre]?.name.startsWith('Pre ')) pre++;
  const post = extra - pre;
  const main = inner.slice(pre, inner.length - post);
  const tail = inner.slice(inner.length - post);
  if (!tail.every((s) => s.name.startsWith('Post '))) return undefined;
  return main.length === stepCount ? main : undefined;
}

export interface StepNames {
  /** The name as evaluated here. */
  shown: string;
  /** The name as written, with its `${{ }}` parts, when it has any. */
  template?: string;
  /** Whether the step has a `name:` of its own. */
  named: boolean;
}

export interface MappedStep {
  index: number;
  how: 'name' | 'default name' | 'position';
}

/** Which workflow step the failed API step is: by name, by the default `Run …` name, or by position. */
export function mapStep(names: StepNames[], apiSteps: JobStep[], failed: JobStep): MappedStep | undefined {
  const aligned = alignSteps(apiSteps, names.length);
  const position = aligned ? aligned.findIndex((s) => s.number === failed.number) : -1;
  const how = (i: number): MappedStep['how'] => (names[i]?.named ? 'name' : 'default name');
  const byName = names.flatMap((n, i) => (nameMatches(failed.name, n.shown, n.template) ? [i] : []));

  if (position >= 0 && byName.includes(position)) return { index: position, how: how(position) };
  if (byName.length === 1 && byName[0] !== undefined) return { index: byName[0], how: how(byName[0]) };
  if (byName.length > 1) {
    // Several steps share the name: the failed one is the n-th API step of that name, so take the n-th workflow step.
    const sameName = [...apiSteps].sort((a, b) => a.number - b.number).filter((s) => s.name === failed.name);
    const nth = sameName.findIndex((s) => s.number === failed.number);
    const index = byName[nth];
    if (index !== undefined) return { index, how: how(index) };
  }
  if (position >= 0) return { index: position, how: 'position' };
  return undefined;
}
