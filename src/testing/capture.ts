// Bounded handling of a test run's output stream: redaction that sees whole lines, and a head-and-tail keeper.

/** Bytes of an unfinished line held back at most before it is redacted and let through. */
const MAX_PENDING = 64 * 1024;
/** What stays held back when a long line is let through: more than any secret is long. */
const KEEP_PENDING = 16 * 1024;

/**
 * Redacts text that arrives in arbitrary chunks. Only complete lines are redacted and let through, so a
 * secret split across two chunks is still caught; a line longer than MAX_PENDING is let through in
 * parts, redacted first, always keeping the last KEEP_PENDING characters back for the next chunk.
 */
export class LineRedactor {
  private pending = '';

  constructor(private readonly redact: (text: string) => string) {}

  /** Takes a chunk, returns the redacted text that is ready to go out (possibly empty). */
  push(chunk: string): string {
    this.pending += chunk;
    const newline = this.pending.lastIndexOf('\n');
    if (newline !== -1) {
      const ready = this.pending.slice(0, newline + 1);
      this.pending = this.pending.slice(newline + 1);
      return this.redact(ready) + this.flushLong();
    }
    return this.flushLong();
  }

  /** Everything still held back, redacted: the end of the stream. */
  end(): string {
    const rest = this.pending;
    this.pending = '';
    return rest ? this.redact(rest) : '';
  }

  private flushLong(): string {
    if (this.pending.length <= MAX_PENDING) return '';
    // Redact the whole held text first: a secret wholly inside is replaced; one running past the end
    // is at most KEEP_PENDING long and so lies wholly inside what is kept back.
    const redacted = this.redact(this.pending);
    const cut = redacted.length - KEEP_PENDING;
    this.pending = redacted.slice(cut);
    return redacted.slice(0, cut);
  }
}

/**
 * Keeps all of a stream up to a byte limit and beyond it only the head and the tail, with a marker
 * saying how much was left out, so that a test printing gigabytes never lives in memory whole.
 */
export class HeadTail {
  private readonly headLimit: number;
  private readonly tailLimit: number;
  private head = '';
  private headBytes = 0;
  private tail: string[] = [];
  private tailBytes = 0;
  private total = 0;

  constructor(private readonly limit: number) {
    this.headLimit = Math.floor(limit / 2);
    this.tailLimit = limit - this.headLimit;
  }

  get bytes(): number {
    return this.total;
  }

  push(text: string): void {
    if (!text) return;
    let rest = text;
    const bytes = Buffer.byteLength(text);
    this.total += bytes;
    if (this.headBytes < this.headLimit) {
      const room = this.headLimit - this.headBytes;
      const taken = bytes <= room ? rest : sliceBytes(rest, room);
      this.head += taken;
      this.headBytes += Buffer.byteLength(taken);
      rest = rest.slice(taken.length);
      if (!rest) return;
    }
    this.tail.push(rest);
    this.tailBytes += Buffer.byteLength(rest);
    while (this.tailBytes > this.tailLimit && this.tail.length > 1) {
      const first = this.tail[0]!;
      const firstBytes = Buffer.byteLength(first);
      if (this.tailBytes - firstBytes < this.tailLimit) break;
      this.tail.shift();
      this.tailBytes -= firstBytes;
    }
    if (this.tailBytes > this.tailLimit * 2) this.compactTail();
  }

  /** The text kept: all of it, or head, marker, tail. */
  text(): string {
    if (this.total <= this.limit) return this.head + this.tail.join('');
    this.compactTail();
    const tail = this.tail.join('');
    const elided = this.total - this.headBytes - Buffer.byteLength(tail);
    return `${this.head}\n[${elided} bytes elided]\n${tail}`;
  }

  // Cuts the tail down to its last `tailLimit` bytes.
  private compactTail(): void {
    if (this.tailBytes <= this.tailLimit) return;
    const kept = lastBytes(this.tail.join(''), this.tailLimit);
    this.tail = [kept];
    this.tailBytes = Buffer.byteLength(kept);
  }
}

/** The longest prefix of text within a byte count, never splitting a character. */
export function sliceBytes(text: string, maxBytes: number): string {
  const buf = Buffer.from(text);
  if (buf.length <= maxBytes) return text;
  let end = maxBytes;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString();
}

/** The longest suffix of text within a byte count, never splitting a character. */
export function lastBytes(text: string, maxBytes: number): string {
  const buf = Buffer.from(text);
  if (buf.length <= maxBytes) return text;
  let start = buf.length - maxBytes;
  while (start < buf.length && (buf[start]! & 0xc0) === 0x80) start++;
  return buf.subarray(start).toString();
}
