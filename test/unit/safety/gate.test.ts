// The exit gate: every form a test could print a secret in is masked, and found for the commit check.
import { describe, expect, it } from 'vitest';
import { ExitGate, LeakError, secretForms } from '../../../src/safety/gate.js';

const token = 'ghs_16C7e42F292c6912E7710c838347Ae178B4a';
const reversed = [...token].reverse().join('');

function gateFor(...secrets: string[]): ExitGate {
  const g = new ExitGate();
  for (const s of secrets) g.add(s, { mask: false });
  return g;
}

/** What a test that read the token through /proc prints to get it out unnoticed. */
const disguises: Record<string, string> = {
  raw: token,
  reversed,
  hex: Buffer.from(token).toString('hex'),
  HEX: Buffer.from(token).toString('hex').toUpperCase(),
  'reversed hex': Buffer.from(reversed).toString('hex'),
  base64: Buffer.from(token).toString('base64'),
  'base64 after one byte': Buffer.from(`x${token}`).toString('base64'),
  'base64 after two bytes': Buffer.from(`xy${token}`).toString('base64'),
  'base64 of the reversed': Buffer.from(reversed).toString('base64'),
  'base64 of the reversed, after one byte': Buffer.from(`:${reversed}`).toString('base64'),
  'base64 of the reversed, after two bytes': Buffer.from(`::${reversed}`).toString('base64'),
  'basic auth header': Buffer.from(`x-access-token:${token}`).toString('base64'),
  'split over lines': `${token.slice(0, 7)}\n${token.slice(7, 20)}\r\n${token.slice(20)}`,
  'one character a line': [...token].join('\n'),
  'base64 of the reversed, split over lines': Buffer.from(reversed).toString('base64').replace(/(.{9})/g, '$1\n'),
};

describe('ExitGate', () => {
  it.each(Object.entries(disguises))('masks the token printed as %s, and finds it for the commit check', (_, form) => {
    const gate = gateFor(token);
    const text = `before ${form} after\nnext line`;
    const out = gate.redact(text);
    // Whatever stays of the form (a base64 edge byte, a line break) spells no recognisable part of the token.
    expect(out.replace(/[\r\n]/g, '')).not.toContain(token.slice(4, 16));
    for (const f of secretForms(token)) expect(out.replace(/[\r\n]/g, ''), f.kind).not.toContain(f.form);
    expect(out).toContain('***');
    expect(out.startsWith('before ')).toBe(true);
    expect(out.endsWith('next line')).toBe(true);
    expect(gate.leaks(text)).not.toEqual([]);
    expect(() => gate.assertClean('src/a.js', text)).toThrow(LeakError);
  });

  it('keeps the line structure of a log when a secret ran over lines', () => {
    const gate = gateFor(token);
    const out = gate.redact(`a ${token.slice(0, 20)}\n${token.slice(20)} b\nc`);
    expect(out).toBe('a ***\n*** b\nc');
  });

  it('says which kind of form it found, never the value', () => {
    const gate = gateFor(token);
    expect(gate.leaks(`x ${disguises['reversed hex']} y`)).toEqual(['reversed hex']);
    expect(gate.leaks(disguises['split over lines']!)).toEqual(['raw split over lines']);
    const err = (() => {
      try {
        gate.assertClean('the commit', disguises['base64 of the reversed']!);
      } catch (e) {
        return e as LeakError;
      }
      throw new Error('no LeakError');
    })();
    expect(err.message).toMatch(/^the commit holds a secret \(reversed base64\)/);
    expect(err.message).not.toContain(token);
  });

  it('leaves clean text alone', () => {
    const gate = gateFor(token, 'p@ss/word+1');
    const text = 'all 12 tests passed\nghs_ is a prefix; 1234abcd\n';
    expect(gate.redact(text)).toBe(text);
    expect(gate.leaks(text)).toEqual([]);
  });

  it('redacts a secret with URL-special characters, encoded or not', () => {
    const gate = gateFor('p@ss/word+1');
    const out = gate.redact(`url https://u:${encodeURIComponent('p@ss/word+1')}@host/ and p@ss/word+1`);
    expect(out).toBe('url https://u:***@host/ and ***');
  });

  it('redacts a multi-line secret line by line, as logs arrive', () => {
    const gate = gateFor('-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END KEY-----');
    const out = gate.redact('line 1: MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nline 2: BKcwggSjAgEAAoIBAQC7');
    expect(out).toBe('line 1: ***\nline 2: ***');
  });

  it('ignores empty and trivially short values', () => {
    const gate = gateFor('', 'ab');
    expect(gate.size).toBe(0);
    expect(gate.redact('abc')).toBe('abc');
  });
});
