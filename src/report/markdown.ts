// Markdown building blocks for the summary and the PR body: tables, folded sections, code, and size caps.

/** Escapes text for GitHub's markdown HTML: test names like `Array<string>` must not turn into tags. */
export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Keeps a cell on its row: pipes would split it, newlines would end the table. */
export function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replace(/\r?\n/g, '<br>');
}

/** Inline code that survives table cells and angle brackets (a backtick span would show `&lt;` literally). */
export function code(text: string): string {
  return `<code>${escapeHtml(text.replace(/\s+/g, ' '))}</code>`;
}

/** Plain text made safe for markdown: HTML escaped, markdown emphasis and links neutralised. */
export function text(value: string): string {
  return escapeHtml(value).replace(/([\\`*_[\]#])/g, '\\$1');
}

export type Align = 'left' | 'right' | 'center';

/** A GitHub table; cells are markdown fragments, escaped here for pipes and newlines only. */
export function table(headers: string[], rows: string[][], align: Align[] = []): string {
  const line = (cells: string[]) => `| ${cells.map((c) => escapeCell(c)).join(' | ')} |`;
  const rule = headers.map((_, i) => {
    const a = align[i] ?? 'left';
    return a === 'right' ? '---:' : a === 'center' ? ':---:' : '---';
  });
  const width = headers.length;
  const body = rows.map((r) => line(Array.from({ length: width }, (_, i) => r[i] ?? '')));
  return [line(headers), `| ${rule.join(' | ')} |`, ...body].join('\n');
}

/** A folded section; the body is markdown. */
export function details(summary: string, body: string, open = false): string {
  return `<details${open ? ' open' : ''}><summary>${escapeHtml(summary)}</summary>\n\n${body}\n\n</details>`;
}

/** A fenced block whose fence is longer than any backtick run inside, so the text cannot close it. */
export function codeBlock(content: string, lang = ''): string {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${content.replace(/\n$/, '')}\n${fence}`;
}

export function byteLength(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

export interface CapOptions {
  /** What `limit` counts; bytes by default (GitHub's summary limit is in bytes). */
  unit?: 'bytes' | 'chars';
  /** Appended on its own line after a cut. */
  marker?: string;
}

/**
 * Cuts text to at most `limit` units, marker included, at the last line boundary that fits
 * (mid-line only when the first line alone is too long). Text within the limit is returned as is.
 */
export function cap(value: string, limit: number, opts: CapOptions = {}): string {
  const unit = opts.unit ?? 'bytes';
  const size = unit === 'bytes' ? byteLength : (s: string) => s.length;
  if (size(value) <= limit) return value;
  const marker = `\n${opts.marker ?? `… (cut to ${limit} ${unit})`}`;
  const budget = limit - size(marker);
  if (budget <= 0) return marker.slice(1, 1 + Math.max(0, limit));
  const head = unit === 'bytes' ? bytePrefix(value, budget) : value.slice(0, budget);
  const nl = head.lastIndexOf('\n');
  return `${nl > 0 ? head.slice(0, nl) : head}${marker}`;
}

/** Keeps the head and the tail, saying how much of the middle was left out. */
export function elide(value: string, head: number, tail: number): string {
  if (value.length <= head + tail) return value;
  const left = value.slice(0, head);
  const right = tail > 0 ? value.slice(-tail) : '';
  const gone = value.length - head - tail;
  return `${left}\n… ${gone.toLocaleString('en-US')} characters elided …\n${right}`;
}

/** Shortens to one line of at most `max` characters, keeping both ends. */
export function shorten(value: string, max: number): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const keep = max - 1;
  const left = Math.ceil(keep * 0.6);
  return `${flat.slice(0, left)}…${flat.slice(flat.length - (keep - left))}`;
}

/** The longest prefix of `value` that is at most `bytes` bytes of UTF-8, without splitting a character. */
function bytePrefix(value: string, bytes: number): string {
  const buf = Buffer.from(value, 'utf8');
  let end = Math.min(bytes, buf.length);
  // Back off over continuation bytes (10xxxxxx) to the start of the character the cut fell into.
  if (end < buf.length) {
    while (end > 0 && ((buf[end] ?? 0) & 0xc0) === 0x80) end--;
  }
  return buf.subarray(0, end).toString('utf8');
}
