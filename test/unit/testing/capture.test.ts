// Redaction of streamed output across chunk boundaries, and the bounded head-and-tail keeper.
import { describe, expect, it } from 'vitest';
import { HeadTail, LineRedactor, lastBytes, sliceBytes } from '../../../src/testing/capture.js';

const SECRET = 'sk-live-0123456789abcdef';
const redact = (text: string): string => text.split(SECRET).join('***');

function stream(chunks: string[]): string {
  const r = new LineRedactor(redact);
  return chunks.map((c) => r.push(c)).join('') + r.end();
}

describe('LineRedactor', () => {
  it('catches a secret split across chunks', () => {
    const text = `token=${SECRET}\nnext line\n`;
    for (let cut = 1; cut < text.length; cut++) {
      expect(stream([text.slice(0, cut), text.slice(cut)])).toBe('token=***\nnext line\n');
    }
  });

  it('holds back an unfinished line until it ends', () => {
    const r = new LineRedactor(redact);
    expect(r.push('partial ')).toBe('');
    expect(r.push(`${SECRET.slice(0, 5)}`)).toBe('');
    expect(r.push(`${SECRET.slice(5)} done\nrest`)).toBe('partial *** done\n');
    expect(r.end()).toBe('rest');
  });

  it('lets a very long line through in parts, still catching a secret at a part boundary', () => {
    const filler = 'x'.repeat(70 * 1024);
    const text = `${filler}${SECRET}${filler}\n`;
    const out = stream(text.match(/[\s\S]{1,4096}/g)!);
    expect(out).toBe(`${filler}***${filler}\n`);
  });
});

describe('HeadTail', () => {
  it('keeps everything under the limit', () => {
    const keep = new HeadTail(100);
    keep.push('a'.repeat(40));
    keep.push('b'.repeat(60));
    expect(keep.text()).toBe('a'.repeat(40) + 'b'.repeat(60));
  });

  it('keeps head and tail with a marker beyond it', () => {
    const keep = new HeadTail(1000);
    for (let i = 0; i < 1000; i++) keep.push(`line ${String(i).padStart(4, '0')}\n`);
    const text = keep.text();
    expect(keep.bytes).toBe(10_000);
    expect(text.startsWith('line 0000\n')).toBe(true);
    expect(text.endsWith('line 0999\n')).toBe(true);
    expect(text).toMatch(/\n\[9000 bytes elided\]\n/);
    expect(Buffer.byteLength(text)).toBeLessThan(1100);
  });

  it('cuts inside one huge chunk without splitting characters', () => {
    const keep = new HeadTail(64);
    keep.push('é'.repeat(1000));
    const text = keep.text();
    expect(text).not.toContain('\uFFFD');
    expect(text).toMatch(/^é+\n\[\d+ bytes elided\]\né+$/);
  });

  it('slices by bytes on character boundaries', () => {
    expect(sliceBytes('aé', 2)).toBe('a');
    expect(lastBytes('éa', 2)).toBe('a');
    expect(sliceBytes('abc', 10)).toBe('abc');
  });
});
