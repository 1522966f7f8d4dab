// GitHub's `${{ }}` expression language, evaluated with GitHub's own evaluator (@actions/expressions) over the contexts known here.
import { Evaluator, Lexer, Parser, data, type Expr } from '@actions/expressions';
import { ContextAccess, FunctionCall, IndexAccess, Literal } from '@actions/expressions/ast';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The contexts an expression may read; the ones only the runner knows (secrets, steps, needs…) are left empty. */
export interface Scope {
  github: JsonObject;
  runner: JsonObject;
  env: JsonObject;
  inputs: JsonObject;
  matrix: JsonObject;
  strategy?: JsonObject;
}

/** Contexts whose values exist only inside the runner while the job runs. */
const runnerOnly = ['secrets', 'steps', 'needs', 'vars', 'job', 'jobs'] as const;
const contexts = ['github', 'runner', 'env', 'inputs', 'matrix', 'strategy', ...runnerOnly];

/** Status functions answer as in a job where every earlier step passed; hashFiles cannot be known ahead. */
const statusFunctions: FunctionDefinition[] = [
  { name: 'success', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(true) },
  { name: 'always', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(true) },
  { name: 'failure', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(false) },
  { name: 'cancelled', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(false) },
  { name: 'hashfiles', minArgs: 1, maxArgs: 255, call: () => new data.StringData('') },
];
const functionInfo = statusFunctions.map(({ name, minArgs, maxArgs }) => ({ name, minArgs, maxArgs }));
const functions = new Map(statusFunctions.map((f) => [f.name, f]));

/** What an evaluation read that could not be known here: `secrets.NPM_TOKEN`, `github.event.before`, `hashFiles(…)`. */
export type Unknowns = Set<string>;

export class ExpressionSyntaxError extends Error {}

export function hasExpression(text: string): boolean {
  return text.includes('${{');
}

/** Evaluates one expression (without `${{ }}`) to plain JSON; unknown values read as null and are added to `unknown`. */
export function evaluate(expression: string, scope: Scope, unknown: Unknowns): Json {
  let tree: Expr;
  try {
    tree = new Parser(new Lexer(expression).lex().tokens, contexts, functionInfo).parse();
  } catch (err) {
    throw new ExpressionSyntaxError(`\${{ ${expression} }} is not a valid expression (${err instanceof Error ? err.message : String(err)})`);
  }
  const root = toData({ ...scope, ...Object.fromEntries(runnerOnly.map((c) => [c, {}])) } as JsonObject);
  for (const path of accessPaths(tree)) {
    if (isUnknown(path, scope)) unknown.add(path);
  }
  return fromData(new Evaluator(tree, root as data.Dictionary, functions).evaluate());
}

/** A text with `${{ }}` parts, each replaced by its value as the runner writes it into a string. */
export function interpolate(text: string, scope: Scope, unknown: Unknowns): string {
  return splitTemplate(text)
    .map((part) => (part.expr === undefined ? part.text : asString(evaluate(part.expr, scope, unknown))))
    .join('');
}

/** A value in a string, as the runner writes it: null as '', numbers plainly, objects as JSON. */
export function asString(value: Json): string {
  if (value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value, null, 2);
  return String(value);
}

export function isTruthy(value: Json): boolean {
  if (value === null || value === false || value === 0 || value === '') return false;
  return !(typeof value === 'number' && Number.isNaN(value));
}

/** A text cut into literal parts and expressions; a `}}` inside a quoted string does not end an expression. */
export function splitTemplate(text: string): Array<{ text: string; expr?: string }> {
  const parts: Array<{ text: string; expr?: string }> = [];
  let at = 0;
  for (;;) {
    const open = text.indexOf('${{', at);
    if (open < 0) break;
    let i = open + 3;
    let quoted = false;
    while (i < text.length) {
      if (text[i] === "'") quoted = !quoted;
      else if (!quoted && text.startsWith('}}', i)) break;
      i++;
    }
    if (i >= text.length) break;
    if (open > at) parts.push({ text: text.slice(at, open) });
    parts.push({ text: text.slice(open, i + 2), expr: text.slice(open + 3, i).trim() });
    at = i + 2;
  }
  if (at < text.length || parts.length === 0) parts.push({ text: text.slice(at) });
  return parts;
}

/** Dotted paths the expression reads (`secrets.X`, `github.event.number`), and the functions whose result is a guess. */
function accessPaths(tree: Expr): string[] {
  const out: string[] = [];
  const visit = (node: Expr): void => {
    const path = pathOf(node);
    if (path) {
      out.push(path);
      return;
    }
    if (node instanceof FunctionCall && node.functionName.lexeme.toLowerCase() === 'hashfiles') out.push('hashFiles(…)');
    for (const child of Object.values(node)) {
      if (child instanceof Array) child.forEach((c) => c instanceof Object && 'accept' in c && visit(c as Expr));
      else if (child instanceof Object && 'accept' in child) visit(child as Expr);
    }
  };
  visit(tree);
  return out;
}

/** `a.b['c']` as "a.b.c"; undefined for anything but a chain of literal names. */
function pathOf(node: Expr): string | undefined {
  if (node instanceof ContextAccess) return node.name.lexeme;
  if (node instanceof IndexAccess && node.index instanceof Literal) {
    const base = pathOf(node.expr);
    return base === undefined ? undefined : `${base}.${node.index.literal.coerceString()}`;
  }
  return undefined;
}

function isUnknown(path: string, scope: Scope): boolean {
  if (path === 'hashFiles(…)') return true;
  const [head = '', ...rest] = path.split('.');
  const root = head.toLowerCase();
  if ((runnerOnly as readonly string[]).includes(root)) return rest.length > 0;
  if (root !== 'github' || rest.length === 0) return false;
  // A field of the github context that the failed run's payload did not carry.
  let value: Json | undefined = scope.github;
  for (const key of rest) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value === undefined || value === null;
    const found: string | undefined = Object.keys(value).find((k) => k.toLowerCase() === key.toLowerCase());
    value = found === undefined ? undefined : value[found];
  }
  return value === undefined || value === null;
}

function toData(value: Json): data.ExpressionData {
  if (value === null) return new data.Null();
  if (typeof value === 'string') return new data.StringData(value);
  if (typeof value === 'number') return new data.NumberData(value);
  if (typeof value === 'boolean') return new data.BooleanData(value);
  if (Array.isArray(value)) return new data.Array(...value.map(toData));
  return new data.Dictionary(...Object.entries(value).map(([key, v]) => ({ key, value: toData(v) })));
}

function fromData(value: data.ExpressionData | undefined): Json {
  if (value === undefined) return null;
  switch (value.kind) {
    case data.Kind.Null:
      return null;
    case data.Kind.String:
    case data.Kind.Number:
    case data.Kind.Boolean:
      return (value as data.StringData | data.NumberData | data.BooleanData).value;
    case data.Kind.Array:
      return (value as data.Array).values().map(fromData);
    default:
      // Dictionaries, case-sensitive or not.
      return Object.fromEntries((value as data.Dictionary).pairs().map((p) => [p.key, fromData(p.value)]));
  }
}

/**
 * A matcher for a text the runner shows after evaluating its expressions (a job or step name) when the values are not
 * known here: literal parts must match, each expression matches any text.
 */
export function templateMatcher(template: string): (text: string) => boolean {
  const pattern = splitTemplate(template)
    .map((part) => (part.expr === undefined ? escapeRegExp(part.text) : '(.*?)'))
    .join('');
  const re = new RegExp(`^${pattern}$`, 's');
  return (text) => re.test(text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
