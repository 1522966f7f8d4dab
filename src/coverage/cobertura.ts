// Reads Cobertura XML (coverage.py's `coverage xml`, and the many tools that write the same schema): <source>s, <class filename>, <line number hits>.
import type { RawFile } from './lines.js';
import { addHits } from './lines.js';

export interface CoberturaReport {
  /** The <source> folders that class filenames are relative to, in document order. */
  sources: string[];
  files: RawFile[];
}

const TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
const ATTR = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/**
 * A scan of the few elements that carry line coverage, rather than a full XML parser: the schema is flat and
 * fixed, and the file may be large. Lines listed under <method> repeat the class's own <lines>, so they are skipped.
 */
export function parseCobertura(text: string): CoberturaReport {
  const xml = text.replace(/<!--[\s\S]*?-->/g, '');
  const sources: string[] = [];
  const files: RawFile[] = [];
  let current: RawFile | undefined;
  let methodDepth = 0;

  for (const match of xml.matchAll(TAG)) {
    const closing = match[1] === '/';
    const name = match[2] ?? '';
    const selfClosing = match[4] === '/';
    if (name === 'source' && !closing && !selfClosing) {
      const start = (match.index ?? 0) + match[0].length;
      const end = xml.indexOf('<', start);
      const source = decodeEntities(xml.slice(start, end < 0 ? undefined : end)).trim();
      if (source) sources.push(source);
    } else if (name === 'class') {
      if (closing) {
        if (current) files.push(current);
        current = undefined;
        continue;
      }
      const filename = attributes(match[3] ?? '').get('filename');
      const file: RawFile = { path: filename ?? '', lines: new Map() };
      if (selfClosing) {
        if (filename) files.push(file);
      } else {
        current = filename ? file : undefined;
        methodDepth = 0;
      }
    } else if (name === 'method' && !selfClosing) {
      methodDepth += closing ? -1 : 1;
    } else if (name === 'line' && !closing && current && methodDepth === 0) {
      const attrs = attributes(match[3] ?? '');
      addHits(current.lines, Number(attrs.get('number')), Number(attrs.get('hits')));
    }
  }
  return { sources, files };
}

function attributes(text: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const match of text.matchAll(ATTR)) {
    attrs.set(match[1] ?? '', decodeEntities(match[2] ?? match[3] ?? ''));
  }
  return attrs;
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, body: string) => {
    if (body.startsWith('#x')) return String.fromCodePoint(Number.parseInt(body.slice(2), 16));
    if (body.startsWith('#')) return String.fromCodePoint(Number.parseInt(body.slice(1), 10));
    return NAMED[body] ?? whole;
  });
}
