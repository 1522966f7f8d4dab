// Reads workflow and action files with GitHub's own parser (@actions/workflow-parser), and evaluates their values.
import {
  NoOperationTraceWriter,
  isBasicExpression,
  isLiteral,
  isMapping,
  isSequence,
  parseWorkflow as parseWorkflowTemplate,
  type TemplateParseResult,
} from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { parseAction } from '@actions/workflow-parser/actions/index';
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token';
import { parse as parseYaml } from 'yaml';
import { evaluate, interpolate, splitTemplate, type Json, type Scope, type Unknowns } from './expressions.js';

export interface RunDefaults {
  shell?: TemplateToken;
  workingDirectory?: TemplateToken;
}

export interface WorkflowStep {
  name?: TemplateToken;
  id?: string;
  uses?: string;
  with?: TemplateToken;
  run?: TemplateToken;
  shell?: TemplateToken;
  workingDirectory?: TemplateToken;
  env?: TemplateToken;
  if?: string;
}

export interface WorkflowJob {
  key: string;
  name?: TemplateToken;
  matrix?: TemplateToken;
  env?: TemplateToken;
  defaults: RunDefaults;
  runsOn?: TemplateToken;
  container?: TemplateToken;
  services?: TemplateToken;
  /** A call of a reusable workflow, and what it passes as `with:`. */
  uses?: string;
  with?: TemplateToken;
  steps: WorkflowStep[];
}

export interface InputDefinition {
  type?: string;
  default?: TemplateToken;
}

export interface Workflow {
  env?: TemplateToken;
  defaults: RunDefaults;
  jobs: WorkflowJob[];
  /** `on.workflow_call.inputs` of a reusable workflow. */
  callInputs: Record<string, InputDefinition>;
}

export interface CompositeAction {
  inputs: Record<string, InputDefinition>;
  /** Undefined for an action that is not composite (JavaScript, Docker). */
  steps?: WorkflowStep[];
}

export function parseWorkflow(source: string, name = 'workflow.yml'): Workflow | { error: string } {
  const root = parsed(parseWorkflowTemplate({ name, content: source }, new NoOperationTraceWriter()));
  if ('error' in root) return root;
  const jobs = field(root, 'jobs');
  if (!jobs || !isMapping(jobs)) return { error: 'it has no `jobs:` map' };
  const call = field(field(root, 'on'), 'workflow_call');
  return {
    ...optional('env', field(root, 'env')),
    defaults: runDefaults(field(root, 'defaults')),
    jobs: [...jobs].map((pair) => readJob(pair.key.toString(), pair.value)),
    callInputs: inputDefinitions(field(call, 'inputs')),
  };
}

export function parseCompositeAction(source: string, name = 'action.yml'): CompositeAction | { error: string } {
  const root = parsed(parseAction({ name, content: source }, new NoOperationTraceWriter()));
  if ('error' in root) return root;
  const runs = field(root, 'runs');
  const using = literal(field(runs, 'using'));
  const steps = field(runs, 'steps');
  const action: CompositeAction = { inputs: inputDefinitions(field(root, 'inputs')) };
  if (using === 'composite' && steps && isSequence(steps)) action.steps = [...steps].map(readStep);
  return action;
}

function parsed(result: TemplateParseResult): MappingToken | { error: string } {
  const errors = result.context.errors.getErrors();
  if (!result.value || !isMapping(result.value)) {
    const first = errors[0]?.message.split('\n', 1)[0];
    return { error: first ? `it could not be parsed (${first})` : 'it is not a YAML mapping' };
  }
  // Schema complaints (an unknown key, a new event) do not stop the runner from reading the rest; neither do they here.
  return result.value;
}

function readJob(key: string, token: TemplateToken): WorkflowJob {
  const steps = field(token, 'steps');
  const job: WorkflowJob = {
    key,
    defaults: runDefaults(field(token, 'defaults')),
    steps: steps && isSequence(steps) ? [...steps].map(readStep) : [],
  };
  assign(job, 'name', field(token, 'name'));
  assign(job, 'matrix', field(field(token, 'strategy'), 'matrix'));
  assign(job, 'env', field(token, 'env'));
  assign(job, 'runsOn', field(token, 'runs-on'));
  assign(job, 'container', field(token, 'container'));
  assign(job, 'services', field(token, 'services'));
  assign(job, 'uses', literal(field(token, 'uses')));
  assign(job, 'with', field(token, 'with'));
  return job;
}

function readStep(token: TemplateToken): WorkflowStep {
  const step: WorkflowStep = {};
  assign(step, 'name', field(token, 'name'));
  assign(step, 'id', literal(field(token, 'id')));
  assign(step, 'uses', literal(field(token, 'uses')));
  assign(step, 'with', field(token, 'with'));
  assign(step, 'run', field(token, 'run'));
  assign(step, 'shell', field(token, 'shell'));
  assign(step, 'workingDirectory', field(token, 'working-directory'));
  assign(step, 'env', field(token, 'env'));
  const condition = field(token, 'if');
  assign(step, 'if', condition ? (isBasicExpression(condition) ? condition.expression : literal(condition)) : undefined);
  return step;
}

function runDefaults(token: TemplateToken | undefined): RunDefaults {
  const run = field(token, 'run');
  const out: RunDefaults = {};
  assign(out, 'shell', field(run, 'shell'));
  assign(out, 'workingDirectory', field(run, 'working-directory'));
  return out;
}

function inputDefinitions(token: TemplateToken | undefined): Record<string, InputDefinition> {
  if (!token || !isMapping(token)) return {};
  const out: Record<string, InputDefinition> = {};
  for (const pair of token) {
    const def: InputDefinition = {};
    assign(def, 'type', literal(field(pair.value, 'type')));
    assign(def, 'default', field(pair.value, 'default'));
    out[pair.key.toString()] = def;
  }
  return out;
}

/** A key of a mapping token, or undefined. */
export function field(token: TemplateToken | undefined, key: string): TemplateToken | undefined {
  if (!token || !isMapping(token)) return undefined;
  for (const pair of token) if (pair.key.toString() === key) return pair.value;
  return undefined;
}

function literal(token: TemplateToken | undefined): string | undefined {
  return token && isLiteral(token) ? token.toString() : undefined;
}

/**
 * The text of a scalar as written, `${{ }}` markers included. The parser hands block scalars (`run: |`) with
 * expressions back indented and unfolded, so those are read again as YAML here.
 */
export function rawText(token: TemplateToken): string {
  if (isLiteral(token)) return token.toString();
  if (isBasicExpression(token)) {
    if (token.blockScalarHeader !== undefined && token.source !== undefined) {
      const value: unknown = parseYaml(`v: ${token.blockScalarHeader}\n${token.source}`);
      const text = (value as { v?: unknown } | null)?.v;
      if (typeof text === 'string') return text;
    }
    const source = token.source?.trim();
    if (source && source.includes('${{')) return /^(["']).*\1$/s.test(source) ? source.slice(1, -1) : source;
    return `\${{ ${token.expression} }}`;
  }
  return '';
}

/** The value of any token: scalars as strings (numbers and booleans kept), a lone expression as its JSON value. */
export function valueOf(token: TemplateToken, scope: Scope, unknown: Unknowns): Json {
  if (isLiteral(token)) {
    const v: unknown = (token as unknown as { value?: unknown }).value;
    return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string' ? v : null;
  }
  if (isBasicExpression(token)) {
    if (token.blockScalarHeader !== undefined) return interpolate(rawText(token), scope, unknown);
    return evaluate(token.expression, scope, unknown);
  }
  if (isSequence(token)) return [...token].map((t) => valueOf(t, scope, unknown));
  if (isMapping(token)) {
    const out: Record<string, Json> = {};
    for (const pair of token) out[String(valueOf(pair.key, scope, unknown) ?? '')] = valueOf(pair.value, scope, unknown);
    return out;
  }
  return null;
}

/** The value as a string, the way the runner writes a value into a string. */
export function textOf(token: TemplateToken, scope: Scope, unknown: Unknowns): string {
  const v = valueOf(token, scope, unknown);
  if (v === null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** True when the token's text mentions the context (`matrix`), so the runner does not add a matrix suffix to a name. */
export function mentions(token: TemplateToken | undefined, context: string): boolean {
  if (!token) return false;
  return splitTemplate(rawText(token)).some((p) => p.expr !== undefined && new RegExp(`\\b${context}\\b`).test(p.expr));
}

function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
