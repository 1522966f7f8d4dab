// Markdown helpers: table escaping, fences that cannot be closed from inside, caps at line boundaries.
import { describe, expect, it } from 'vitest';
import { byteLength, cap, code, codeBlock, details, elide, shorten, table, text } from '../../../src/report/markdown.js';

describe('table', () => {
  it('keeps every row on one line whatever the cells hold', () => {
    const out = table(['Test', 'Result'], [['a | b', 'line 1\nline 2'], ['only one cell']], ['left', 'right']);
    expect(out.split('\n')).toEqual([
      '| Test | Result |',
      '| --- | ---: |',
      '| a \\| b | line 1<br>line 2 |',
      '| only one cell |  |',
    ]);
  });

  it('turns angle brackets in code into entities so GitHub shows them instead of eating them', () => {
    expect(code('Array<string> | x')).toBe('<code>Array&lt;string&gt; | x</code>');
    expect(table(['c'], [[code('a|b')]])).toContain('<code>a\\|b</code>');
    expect(text('a *b* _c_ <d>')).toBe('a \\*b\\* \\_c\\_ &lt;d&gt;');
  });
});

describe('codeBlock and details', () => {
  it('uses a fence longer than any backtick run inside', () => {
    expect(codeBlock('plain')).toBe('```\nplain\n```');
    expect(codeBlock('has ``` and ````', 'text')).toBe('`````text\nhas ``` and ````\n`````');
  });

  it('folds a section with an escaped summary', () => {
    expect(details('a <b>', 'body')).toBe('<details><summary>a &lt;b&gt;</summary>\n\nbody\n\n</details>');
  });
});

describe('cap', () => {
  it('returns text within the limit unchanged', () => {
    expect(cap('short', 10)).toBe('short');
  });

  it('cuts at a line boundary and appends the marker, within the limit', () => {
    const input = 'line one\nline two\nline three\n';
    const out = cap(input, 24, { marker: '[cut]' });
    expect(out).toBe('line one\nline two\n[cut]');
    expect(cap(input, 20, { marker: '[cut]' })).toBe('line one\n[cut]');
    expect(byteLength(out)).toBeLessThanOrEqual(24);
  });

  it('counts bytes and never splits a character', () => {
    const input = `${'é'.repeat(100)}\n${'日本'.repeat(100)}`;
    for (const limit of [50, 51, 52, 150, 301]) {
      const out = cap(input, limit, { marker: '…' });
      expect(byteLength(out)).toBeLessThanOrEqual(limit);
      expect(out).not.toContain('\ufffd');
    }
  });

  it('counts characters when asked', () => {
    const out = cap('ab\n'.repeat(100), 30, { unit: 'chars', marker: 'cut' });
    expect(out.length).toBeLessThanOrEqual(30);
    expect(out.endsWith('\ncut')).toBe(true);
  });
});

describe('elide and shorten', () => {
  it('keeps head and tail and says how much went', () => {
    const out = elide('a'.repeat(50) + 'b'.repeat(50), 10, 5);
    expect(out).toBe(`${'a'.repeat(10)}\n… 85 characters elided …\n${'b'.repeat(5)}`);
    expect(elide('small', 10, 5)).toBe('small');
  });

  it('shortens to one line keeping both ends', () => {
    const out = shorten('npm   run test --\n-- --reporter=verbose --coverage', 20);
    expect(out.length).toBe(20);
    expect(out.startsWith('npm run test')).toBe(true);
    expect(out).toContain('…');
    expect(out.endsWith('overage')).toBe(true);
  });
});
