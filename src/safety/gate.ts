// The one exit gate: every secret, in every form a test could print it in, masked in what leaves the runner, or refused in a commit.
import * as core from '@actions/core';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { once } from 'node:events';

/** Derived forms shorter than this would match by chance; the raw value keeps the old floor of 4. */
const MIN_DERIVED = 8;
/** A file is redacted in blocks of this many characters, each keeping the end of the last one in view... */
const FILE_BLOCK = 1024 * 1024;
/** ...this much of it: longer than any secret spread over lines. */
const FILE_KEEP = 16 * 1024;

/** Thrown when content about to be committed or pushed holds a secret: delivery stops, nothing is pushed. */
export class LeakError extends Error {
  override readonly name = 'LeakError';
  constructor(
    readonly where: string,
    readonly kinds: string[],
  ) {
    super(`${where} holds a secret (${kinds.join(', ')}), so nothing was committed or pushed. Remove it and run again.`);
  }
}

/**
 * The forms a secret takes when code that read it wants it out unnoticed: raw and reversed, each as hex (both
 * cases), URL-encoded, and base64 at all three byte alignments. A base64 form depends on what precedes the
 * secret, so only its stable inner part is kept: the groups made of the secret's bytes alone.
 */
export function secretForms(secret: string): Array<{ kind: string; form: string }> {
  const reversed = [...secret].reverse().join('');
  const out: Array<{ kind: string; form: string }> = [{ kind: 'raw', form: secret }];
  for (const [name, value] of [
    ['', secret],
    ['reversed ', reversed],
  ] as const) {
    const bytes = Buffer.from(value);
    if (name) out.push({ kind: 'reversed', form: value });
    out.push({ kind: `${name}hex`, form: bytes.toString('hex') }, { kind: `${name}hex`, form: bytes.toString('hex').toUpperCase() });
    out.push({ kind: `${name}URL-encoded`, form: encodeURIComponent(value) });
    for (const shift of [0, 1, 2]) {
      const b64 = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
      const inner = b64.slice(shift ? 4 : 0, 4 * Math.floor((shift + bytes.length) / 3));
      out.push({ kind: `${name}base64`, form: inner }, { kind: `${name}base64`, form: inner.replaceAll('+', '-').replaceAll('/', '_') });
    }
  }
  return out.filter(({ kind, form }) => form.length >= (kind === 'raw' ? 4 : MIN_DERIVED));
}

export class ExitGate {
  /** Every form of every secret, with what kind of form it is (for messages that never show the value). */
  private readonly needles = new Map<string, string>();
  /** Longest first, so a form that contains another is replaced whole; kept sorted as secrets are added. */
  private ordered: string[] = [];

  /** Registers a secret and its derived forms; masks them in the Actions log too. */
  add(secret: string | undefined, opts: { mask?: boolean } = {}): void {
    if (!secret || secret.length < 4) return;
    // Logs arrive line by line: a multi-line secret (a PEM key) is also caught one line at a time.
    if (secret.includes('\n')) {
      for (const line of secret.split(/\r?\n/)) if (line.trim().length >= 8) this.add(line.trim(), opts);
    }
    for (const { kind, form } of secretForms(secret)) {
      if (this.needles.has(form)) continue;
      this.needles.set(form, kind);
      if (opts.mask !== false) core.setSecret(form);
    }
    this.ordered = [...this.needles.keys()].sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.needles.size;
  }

  /** Masks every form of every secret, also when line breaks were put inside it. */
  redact = (text: string): string => {
    let out = text;
    for (const needle of this.ordered) {
      if (out.includes(needle)) out = out.split(needle).join('***');
    }
    if (!/[\r\n]/.test(out)) return out;
    const joined = out.replace(/[\r\n]+/g, '');
    const split = this.ordered.filter((n) => joined.includes(n));
    return split.length ? maskAcrossLines(out, split) : out;
  };

  /** The kinds of secret forms in `text` (never the values), empty when it is clean. */
  leaks(text: string): string[] {
    const joined = text.replace(/[\r\n]+/g, '');
    const kinds = new Set<string>();
    for (const needle of this.ordered) {
      if (text.includes(needle)) kinds.add(this.needles.get(needle)!);
      else if (joined.includes(needle)) kinds.add(`${this.needles.get(needle)!} split over lines`);
    }
    return [...kinds].sort();
  }

  /** Redacts a text file in place, block by block, so a log of hundreds of MiB never lives in memory whole. */
  async redactFile(file: string): Promise<void> {
    const tmp = `${file}.redacting`;
    const input = createReadStream(file, { encoding: 'utf8', highWaterMark: FILE_BLOCK });
    const output = createWriteStream(tmp, { flags: 'wx', mode: 0o600 });
    const write = async (text: string) => {
      if (text && !output.write(text)) await once(output, 'drain');
    };
    try {
      let pending = '';
      for await (const chunk of input as AsyncIterable<string>) {
        pending += chunk;
        if (pending.length < FILE_BLOCK) continue;
        // Redacted whole first: a secret wholly inside is masked; one running past the end lies inside what is kept.
        const done = this.redact(pending);
        await write(done.slice(0, done.length - FILE_KEEP));
        pending = done.slice(done.length - FILE_KEEP);
      }
      await write(this.redact(pending));
      output.end();
      await once(output, 'finish');
      await rename(tmp, file);
    } catch (e) {
      output.destroy();
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
  }

  /** Throws a LeakError naming `where` when `text` holds any form of a secret: for what is about to be committed. */
  assertClean(where: string, text: string): void {
    const kinds = this.leaks(text);
    if (kinds.length) throw new LeakError(where, kinds);
  }
}

/** Replaces each stretch of `text` that, with its line breaks taken out, spells one of `needles`. */
function maskAcrossLines(text: string, needles: string[]): string {
  // Where each character of the text without line breaks sits in the text.
  const at: number[] = [];
  let joined = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n' || c === '\r') continue;
    at.push(i);
    joined += c;
  }
  const masked = new Uint8Array(text.length);
  for (const needle of needles) {
    for (let j = joined.indexOf(needle); j !== -1; j = joined.indexOf(needle, j + 1)) {
      masked.fill(1, at[j]!, at[j + needle.length - 1]! + 1);
    }
  }
  let out = '';
  for (let i = 0; i < text.length; ) {
    if (!masked[i]) {
      out += text[i++];
      continue;
    }
    // One marker per line the secret ran over, so the line structure of a log stays as it was.
    while (i < text.length && masked[i]) {
      const c = text[i]!;
      if (c === '\n' || c === '\r') out += c;
      else if (!out.endsWith('***')) out += '***';
      i++;
    }
  }
  return out;
}
