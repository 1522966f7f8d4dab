// Reading command lines: segments, words, redirections, and where inserted arguments land.
import { describe, expect, it } from 'vitest';
import { insertArgs, parseCommand, quoteArg } from '../../../src/testing/shell.js';
import { applyInserts } from '../../../src/testing/plan.js';

const words = (src: string): string[][] => parseCommand(src).map((s) => s.words.map((w) => w.value));

describe('parseCommand', () => {
  it('splits on operators and keeps quoted text whole', () => {
    expect(words(`npm ci && npm test -- -t 'a && b'; echo "x | y"`)).toEqual([
      ['npm', 'ci'],
      ['npm', 'test', '--', '-t', 'a && b'],
      ['echo', 'x | y'],
    ]);
    expect(parseCommand('a | b || c & d').map((s) => s.op)).toEqual(['|', '||', '&', '']);
  });

  it('separates leading assignments and leaves redirections out of the words', () => {
    const [seg] = parseCommand('CI=1 FOO="a b" pytest -x > out.txt 2>&1 tests/');
    expect(seg!.assignments.map((w) => w.value)).toEqual(['CI=1', 'FOO=a b']);
    expect(seg!.words.map((w) => w.value)).toEqual(['pytest', '-x', 'tests/']);
  });

  it('knows where the last word ends, comments and trailing blanks aside', () => {
    const src = 'vitest run   # the unit tests';
    const [seg] = parseCommand(src);
    expect(src.slice(0, seg!.end)).toBe('vitest run');
  });

  it('handles escapes, line continuations and double-quoted escapes', () => {
    expect(words('jest a\\ b \\\n --ci "say \\"hi\\""')).toEqual([['jest', 'a b', '--ci', 'say "hi"']]);
  });

  it('marks what it does not follow as complex', () => {
    expect(parseCommand('(cd x && jest)')[0]!.complex).toBe(true);
    expect(parseCommand('jest $(cat files)')[0]!.complex).toBe(true);
    expect(parseCommand('cat <<EOF')[0]!.complex).toBe(true);
    expect(parseCommand('jest --ci')[0]!.complex).toBe(false);
  });
});

describe('quoting and inserting', () => {
  it('quotes only what needs it', () => {
    expect(quoteArg('--reporter=junit')).toBe('--reporter=junit');
    expect(quoteArg('^math > adds$')).toBe(`'^math > adds$'`);
    expect(quoteArg("it's")).toBe(`'it'\\''s'`);
  });

  it('inserts at an offset, with a separator', () => {
    expect(insertArgs('npm test && echo ok', 8, ['-t', 'a b'], '-- ')).toBe(`npm test -- -t 'a b' && echo ok`);
  });

  it('applies several insertions at their places, in order', () => {
    const command = 'node --test test/';
    const anchor = { at: command.length, sep: '', direct: true, words: [] };
    expect(applyInserts(command, anchor, [{ args: ['--test-name-pattern=^x$'], at: 11 }, { args: ['a.test.js'] }, { args: ['--test-reporter=spec'], at: 11 }])).toBe(
      "node --test '--test-name-pattern=^x$' --test-reporter=spec test/ a.test.js",
    );
  });
});
