import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSettings, SettingsError } from '../../../src/settings.js';

const read = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? '';

describe('parseSettings', () => {
  it('applies defaults and resolves the working directory', () => {
    const s = parseSettings(read({ 'working-directory': 'pkg' }), '/ws', path.resolve);
    expect(s).toMatchObject({ mode: 'auto', push: 'pr', branchPrefix: 'redgreen/', maxIterations: 30, testTimeoutSec: 600, workingDirectory: '/ws/pkg' });
    expect(s.author.name).toBe('redgreen[bot]');
  });

  it('parses lists, booleans, numbers and the commit author', () => {
    const s = parseSettings(
      read({ labels: 'bot, ci', 'secret-env': 'A\nB', 'allow-forks': 'true', 'max-cost-usd': '0.5', 'commit-author': 'Ann <ann@example.com>' }),
      '/ws',
      path.resolve,
    );
    expect(s.labels).toEqual(['bot', 'ci']);
    expect(s.secretEnv).toEqual(['A', 'B']);
    expect(s.allowForks).toBe(true);
    expect(s.maxCostUsd).toBe(0.5);
    expect(s.author).toEqual({ name: 'Ann', email: 'ann@example.com' });
  });

  it('reads the fan-out inputs: attempts, models, one task a line, the job to fix, the key and the attempt', () => {
    const s = parseSettings(
      read({ 'best-of': '3', models: 'gpt-a, gpt-b', tasks: 'Add a flag\n\n  Write docs  \n', 'job-id': '4711', key: 'test-abc1234', attempt: '2' }),
      '/ws',
      path.resolve,
    );
    expect(s).toMatchObject({ bestOf: 3, models: ['gpt-a', 'gpt-b'], tasks: ['Add a flag', 'Write docs'], jobId: 4711, key: 'test-abc1234', attempt: 2 });
    expect(parseSettings(read({}), '/ws', path.resolve)).toMatchObject({ bestOf: 1, models: [], tasks: [], jobId: undefined, key: '', attempt: 1 });
  });

  it.each([
    [{ 'best-of': '0' }, /best-of/],
    [{ 'job-id': 'latest' }, /job-id/],
    [{ key: '../main' }, /key/],
    [{ key: 'a/b' }, /key/],
    [{ mode: 'repair' }, /mode.*auto, fix, task, coverage/],
    [{ push: 'force' }, /push/],
    [{ 'max-iterations': '2.5' }, /whole number/],
    [{ 'test-timeout': '-1' }, /positive/],
    [{ 'allow-forks': 'yes' }, /true or false/],
    [{ 'openai-base-url': 'localhost:8080' }, /http/],
    [{ 'branch-prefix': 'a b' }, /branch-prefix/],
    [{ 'commit-author': 'nobody' }, /Name <email>/],
  ])('rejects %o with a clear message', (inputs, message) => {
    expect(() => parseSettings(read(inputs), '/ws', path.resolve)).toThrow(SettingsError);
    expect(() => parseSettings(read(inputs), '/ws', path.resolve)).toThrow(message);
  });
});
