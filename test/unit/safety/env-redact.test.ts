import { describe, expect, it } from 'vitest';
import { childEnv } from '../../../src/safety/env.js';
import { Redactor } from '../../../src/safety/redact.js';

describe('childEnv', () => {
  it('withholds inputs, runtime tokens, the GitHub token, the model key and listed names', () => {
    const env = childEnv(
      {
        PATH: '/usr/bin',
        HOME: '/root',
        'INPUT_OPENAI-API-KEY': 'sk-live-1234567890',
        INPUT_MODE: 'fix',
        ACTIONS_RUNTIME_TOKEN: 'runtime-jwt',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc',
        GITHUB_TOKEN: 'ghs_abcdefghijkl',
        GH_TOKEN: 'ghs_abcdefghijkl',
        OPENAI_API_KEY: 'sk-live-1234567890',
        DEPLOY_KEY: 'deploy',
        COPY_OF_KEY: 'prefix-sk-live-1234567890',
        GITHUB_REPOSITORY: 'o/r',
      },
      { withhold: ['DEPLOY_KEY'], secrets: ['sk-live-1234567890', 'ghs_abcdefghijkl'] },
    );
    expect(Object.keys(env).sort()).toEqual(['CI', 'FORCE_COLOR', 'GITHUB_REPOSITORY', 'GIT_TERMINAL_PROMPT', 'HOME', 'NO_COLOR', 'PATH']);
  });
});

describe('Redactor', () => {
  it('redacts a secret and the forms it takes in headers and URLs', () => {
    const r = new Redactor();
    const token = 'ghs_16C7e42F292c6912E7710c838347Ae178B4a';
    r.add(token, { mask: false });
    r.add('p@ss/word+1', { mask: false });
    const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
    const text = `token ${token}\nAUTHORIZATION: basic ${basic}\nurl https://u:${encodeURIComponent('p@ss/word+1')}@host/ and p@ss/word+1`;
    const out = r.redact(text);
    expect(out).not.toContain(token);
    expect(out).not.toContain(basic);
    expect(out).not.toContain('p@ss');
    expect(out).not.toContain(encodeURIComponent('p@ss/word+1'));
    expect(out).toContain('AUTHORIZATION: basic ***');
  });

  it('redacts a multi-line secret line by line, as logs arrive', () => {
    const r = new Redactor();
    const pem = '-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END KEY-----';
    r.add(pem, { mask: false });
    const out = r.redact('line 1: MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nline 2: BKcwggSjAgEAAoIBAQC7');
    expect(out).not.toContain('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC');
    expect(out).not.toContain('BKcwggSjAgEAAoIBAQC7');
  });

  it('ignores empty and trivially short values', () => {
    const r = new Redactor();
    r.add('', { mask: false });
    r.add('ab', { mask: false });
    expect(r.size).toBe(0);
    expect(r.redact('abc')).toBe('abc');
  });
});
