// The edit_file rule: replace one exact, unique occurrence; tolerate whitespace differences only when that is still unique.

export type ReplaceResult =
  | { kind: 'ok'; text: string; line: number; fuzzy: boolean }
  | { kind: 'none' }
  | { kind: 'many'; lines: number[] };

function lineOf(text: string, index: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export function replaceOnce(text: string, oldString: string, newString: string): ReplaceResult {
  const hits: number[] = [];
  for (let i = text.indexOf(oldString); i !== -1; i = text.indexOf(oldString, i + 1)) hits.push(i);
  if (hits.length === 1) {
    const at = hits[0]!;
    return { kind: 'ok', text: text.slice(0, at) + newString + text.slice(at + oldString.length), line: lineOf(text, at), fuzzy: false };
  }
  if (hits.length > 1) return { kind: 'many', lines: hits.map((h) => lineOf(text, h)) };
  return replaceIgnoringWhitespace(text, oldString, newString);
}

/** Line-wise match with each line trimmed: models often get indentation slightly wrong. */
function replaceIgnoringWhitespace(text: string, oldString: string, newString: string): ReplaceResult {
  const lines = text.split('\n');
  const want = oldString.split('\n').map((l) => l.trim());
  while (want.length && want[0] === '') want.shift();
  while (want.length && want.at(-1) === '') want.pop();
  if (want.length === 0) return { kind: 'none' };
  const starts: number[] = [];
  for (let i = 0; i + want.length <= lines.length; i++) {
    if (want.every((w, j) => lines[i + j]!.trim() === w)) starts.push(i);
  }
  if (starts.length > 1) return { kind: 'many', lines: starts.map((s) => s + 1) };
  if (starts.length === 0) return { kind: 'none' };
  const s = starts[0]!;
  const replaced = [...lines.slice(0, s), ...newString.replace(/\n$/, '').split('\n'), ...lines.slice(s + want.length)];
  return { kind: 'ok', text: replaced.join('\n'), line: s + 1, fuzzy: true };
}

/** Shows the lines most like the first line of old_string, numbered, so the model can retry with the real text. */
export function findNearest(text: string, oldString: string): string {
  const lines = text.split('\n');
  const probe = oldString.split('\n').map((l) => l.trim()).find(Boolean) ?? '';
  let best = 0;
  let bestScore = -1;
  lines.forEach((l, i) => {
    const score = similarity(l.trim(), probe);
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  });
  const from = Math.max(0, best - 3);
  const to = Math.min(lines.length, best + 4);
  return lines
    .slice(from, to)
    .map((l, i) => `${from + i + 1}| ${l}`)
    .join('\n');
}

/** Bigram overlap (Dice coefficient): cheap and good enough to point at the right line. */
function similarity(a: string, b: string): number {
  if (!a || !b) return 0;
  const grams = (s: string): Map<string, number> => {
    const m = new Map<string, number>();
    for (let i = 0; i < s.length - 1; i++) {
      const g = s.slice(i, i + 2);
      m.set(g, (m.get(g) ?? 0) + 1);
    }
    return m;
  };
  const ga = grams(a);
  const gb = grams(b);
  let overlap = 0;
  for (const [g, n] of ga) overlap += Math.min(n, gb.get(g) ?? 0);
  return (2 * overlap) / Math.max(1, a.length - 1 + b.length - 1);
}
