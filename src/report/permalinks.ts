// Checks every permalink an answer cites against the commit that was read: the file exists there and the lines are in it.
// A link that fails is corrected (the commit pinned, the lines clamped) or removed, so no broken link is ever posted.

export interface PermalinkBase {
  /** `https://github.com` or the GHES URL. */
  serverUrl: string;
  /** `owner/repo`. */
  repo: string;
  /** The commit the answer was read from. */
  sha: string;
}

/** The number of lines of a file at the commit, or undefined when there is no such file. */
export type LineCounter = (path: string) => Promise<number | undefined>;

export interface CheckedLink {
  /** As the model wrote it. */
  given: string;
  /** As posted; undefined when removed. */
  posted?: string;
  why?: string;
}

export function permalink(base: PermalinkBase, path: string, lines?: { start: number; end: number }): string {
  const anchor = lines ? (lines.start === lines.end ? `#L${lines.start}` : `#L${lines.start}-L${lines.end}`) : '';
  return `${base.serverUrl}/${base.repo}/blob/${base.sha}/${path.split('/').map(encodeURIComponent).join('/')}${anchor}`;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Returns the text with every link into this repository's files checked.
 * Markdown links `[label](url)` keep their label when the link is removed; bare URLs become the path in code.
 */
export async function checkPermalinks(text: string, base: PermalinkBase, countLines: LineCounter): Promise<{ text: string; links: CheckedLink[] }> {
  const host = escapeRe(base.serverUrl.replace(/\/+$/, ''));
  const repo = escapeRe(base.repo);
  // Any ref (a branch name, a short or another sha), a path, and an optional line anchor.
  const url = `${host}/${repo}/blob/([^/\\s)\\]]+)/([^#\\s)\\]]+)(#L(\\d+)(?:C\\d+)?(?:-L(\\d+)(?:C\\d+)?)?)?`;
  const pattern = new RegExp(`\\[([^\\]\\n]*)\\]\\((${url})\\)|(${url})`, 'gi');
  const links: CheckedLink[] = [];
  const cache = new Map<string, Promise<number | undefined>>();
  const lines = (p: string) => {
    if (!cache.has(p)) cache.set(p, countLines(p));
    return cache.get(p)!;
  };

  const replacements: string[] = [];
  for (const m of text.matchAll(pattern)) {
    const label = m[1];
    const markdown = m[2] !== undefined;
    const g = markdown ? m.slice(3, 8) : m.slice(9, 14);
    const [ref = '', rawPath = '', , a, b] = g;
    const given = (markdown ? m[2] : m[8]) ?? '';
    const checked = await checkOne(base, ref, rawPath, a, b, lines);
    links.push({ given, ...checked });
    if (checked.posted) replacements.push(markdown ? `[${label}](${checked.posted})` : checked.posted);
    else replacements.push(markdown ? (label ?? '') : `\`${safePath(rawPath) ?? rawPath}\``);
  }
  let i = 0;
  return { text: text.replace(pattern, () => replacements[i++] ?? ''), links };
}

function safePath(raw: string): string | undefined {
  let p: string;
  try {
    p = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  if (parts.length === 0 || parts.includes('..')) return undefined;
  return parts.join('/');
}

async function checkOne(
  base: PermalinkBase,
  ref: string,
  rawPath: string,
  a: string | undefined,
  b: string | undefined,
  lines: LineCounter,
): Promise<Omit<CheckedLink, 'given'>> {
  const path = safePath(rawPath);
  if (!path) return { why: `'${rawPath}' is not a path in the repository` };
  const total = await lines(path);
  if (total === undefined) return { why: `${path} does not exist at ${base.sha.slice(0, 7)}` };
  const notes: string[] = [];
  if (ref !== base.sha) notes.push(`pinned to ${base.sha.slice(0, 7)} instead of ${ref}`);
  if (a === undefined) return { posted: permalink(base, path), ...(notes.length ? { why: notes.join('; ') } : {}) };
  let start = Number(a);
  let end = b === undefined ? start : Number(b);
  if (end < start) [start, end] = [end, start];
  if (start < 1 || start > total) {
    notes.push(`line ${start} is beyond the ${total} lines of ${path}; linked to the file`);
    return { posted: permalink(base, path), why: notes.join('; ') };
  }
  if (end > total) {
    notes.push(`lines clamped to ${start}-${total}`);
    end = total;
  }
  return { posted: permalink(base, path, { start, end }), ...(notes.length ? { why: notes.join('; ') } : {}) };
}
