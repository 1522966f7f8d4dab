// The little of GitHub's `${{ }}` expression language that can be known outside the runner: matrix values and literal env.

const expression = /\$\{\{\s*(.*?)\s*\}\}/g;

export interface ExpressionScope {
  matrix: Record<string, string>;
  env: Record<string, string>;
}

export function hasExpression(text: string): boolean {
  return text.includes('${{');
}

/**
 * Replaces `${{ matrix.x }}` and `${{ env.X }}` with their values; anything else (secrets, github.*, steps.*, functions)
 * is left unresolved and reported, because guessing it would run a different command than the one that failed.
 */
export function resolveExpressions(text: string, scope: ExpressionScope): { value: string; unresolved: string[] } {
  const unresolved: string[] = [];
  const value = text.replace(expression, (whole, inner: string) => {
    const found = lookup(inner, scope);
    if (found === undefined) {
      unresolved.push(whole);
      return whole;
    }
    return found;
  });
  return { value, unresolved };
}

function lookup(inner: string, scope: ExpressionScope): string | undefined {
  const match = /^(matrix|env)\s*(?:\.\s*([A-Za-z_][\w-]*)|\[\s*'([^']+)'\s*\])$/.exec(inner.trim());
  if (!match) return undefined;
  const key = match[2] ?? match[3] ?? '';
  const table = match[1] === 'matrix' ? scope.matrix : scope.env;
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/**
 * A matcher for a text the runner shows after evaluating its expressions (a job or step name): literal parts must match,
 * each expression matches any text. Captured values come back in the order of the expressions.
 */
export function templateMatcher(template: string): (text: string) => { captures: Array<{ expr: string; value: string }> } | undefined {
  const exprs: string[] = [];
  let pattern = '';
  let last = 0;
  for (const m of template.matchAll(expression)) {
    pattern += escapeRegExp(template.slice(last, m.index));
    pattern += '(.*?)';
    exprs.push((m[1] ?? '').trim());
    last = m.index + m[0].length;
  }
  pattern += escapeRegExp(template.slice(last));
  const re = new RegExp(`^${pattern}$`, 's');
  return (text) => {
    const m = re.exec(text);
    if (!m) return undefined;
    return { captures: exprs.map((expr, i) => ({ expr, value: m[i + 1] ?? '' })) };
  };
}

/** Matrix values a template match reveals: `Test ${{ matrix.node }}` against `Test 20` gives node = 20. */
export function matrixFromCaptures(captures: Array<{ expr: string; value: string }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { expr, value } of captures) {
    const m = /^matrix\s*(?:\.\s*([A-Za-z_][\w-]*)|\[\s*'([^']+)'\s*\])$/.exec(expr);
    const key = m?.[1] ?? m?.[2];
    if (key) out[key] = value;
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
