// A job's strategy matrix expanded the way the runner expands it (base keys, then exclude, then include), and its job names.
import type { Json, JsonObject } from './expressions.js';

/** Every combination the runner starts, in order; undefined when the matrix is not a mapping of lists (an unknown expression). */
export function expandMatrix(matrix: Json): JsonObject[] | undefined {
  if (!isObject(matrix)) return undefined;
  const baseKeys = Object.keys(matrix).filter((k) => k !== 'include' && k !== 'exclude');
  const lists = baseKeys.map((k) => matrix[k]);
  if (!lists.every((l) => Array.isArray(l))) return undefined;
  const includes = asObjects(matrix['include']);
  const excludes = asObjects(matrix['exclude']);
  if (baseKeys.length === 0) return includes.map((i) => ({ ...i }));

  let combos: JsonObject[] = [{}];
  baseKeys.forEach((key, i) => {
    const values = lists[i] as Json[];
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  });
  combos = combos.filter((c) => !excludes.some((e) => Object.entries(e).every(([k, v]) => matches(v, c[k]))));

  // An include is added to every combination whose original values it does not change; failing that, it is a job of its own.
  const originals = combos.map((c) => ({ ...c }));
  for (const entry of includes) {
    let added = false;
    combos.forEach((combo, i) => {
      const original = originals[i];
      if (!original) return;
      const keeps = Object.entries(entry).every(([k, v]) => !baseKeys.includes(k) || deepEqual(original[k] ?? null, v));
      if (keeps) {
        Object.assign(combo, entry);
        added = true;
      }
    });
    if (!added) combos.push({ ...entry });
  }
  return combos;
}

/** The matrix values GitHub lists after a job name: `test (20, ubuntu-latest)`; objects match anything. */
export function suffixPattern(combo: JsonObject): string {
  const values = Object.values(combo).map((v) => (v !== null && typeof v === 'object' ? '.*?' : escapeRegExp(String(v))));
  return values.length ? ` \\(${values.join(', ')}\\)` : '';
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function asObjects(value: Json | undefined): JsonObject[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

export function isObject(value: Json | undefined): value is JsonObject {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

/** An exclude entry matches a value when equal, or for objects, when every key it names matches. */
function matches(pattern: Json, value: Json | undefined): boolean {
  if (value === undefined) return false;
  if (isObject(pattern) && isObject(value)) return Object.entries(pattern).every(([k, v]) => matches(v, value[k]));
  return deepEqual(pattern, value);
}

function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') {
    // The runner compares scalars loosely: 20 and '20' are the same matrix value.
    return (typeof a === 'number' || typeof a === 'string') && (typeof b === 'number' || typeof b === 'string') && String(a) === String(b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i] ?? null));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b as JsonObject);
  return ka.length === kb.length && ka.every((k) => deepEqual(a[k] ?? null, (b as JsonObject)[k] ?? null));
}
