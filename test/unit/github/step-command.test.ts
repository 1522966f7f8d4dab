// Workflow steps turned into `bash -c` commands, checked by running them in real bash.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeEnv, setupScript, shellPrelude, shellQuote, withPrelude } from '../../../src/github/step-command.js';

function bash(command: string, cwd: string, env: Record<string, string> = {}): { code: number | null; out: string } {
  const result = spawnSync('bash', ['-c', command], { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, encoding: 'utf8' });
  return { code: result.status, out: result.stdout.trim() };
}

describe('shellPrelude and withPrelude', () => {
  it("gives bash -c the runner's flags for each shell", () => {
    expect(shellPrelude(undefined)).toEqual({ prelude: 'set -e' });
    expect(shellPrelude('sh')).toEqual({ prelude: 'set -e' });
    expect(shellPrelude('bash')).toEqual({ prelude: 'set -eo pipefail' });
    expect(shellPrelude('bash --noprofile --norc -eo pipefail {0}')).toEqual({ prelude: 'set -eo pipefail' });
    expect(shellPrelude('bash --login {0}')).toEqual({ prelude: '' });
    expect(shellPrelude('python')).toEqual({ error: 'it runs with `shell: python`, which is not bash or sh' });
  });

  it('stops a multi-line script at its first failing line, as the runner does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rg-sh-'));
    const plain = bash('false\necho after', dir);
    expect(plain).toEqual({ code: 0, out: 'after' });
    const asRunner = bash(withPrelude('false\necho after', 'set -e'), dir);
    expect(asRunner).toEqual({ code: 1, out: '' });
  });

  it('fails a pipe under shell: bash, and leaves single commands alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rg-sh-'));
    expect(withPrelude('npm test', 'set -e')).toBe('npm test');
    const piped = withPrelude('false | cat', 'set -eo pipefail');
    expect(piped).toBe('set -eo pipefail\nfalse | cat');
    expect(bash(piped, dir).code).toBe(1);
    expect(withPrelude('false | cat', 'set -e')).toBe('false | cat');
  });
});

describe('setupScript', () => {
  it('runs an earlier step in its own directory with its own env, from the command directory', () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'rg-ws-')));
    mkdirSync(join(root, 'services', 'api'), { recursive: true });
    const script = setupScript({
      script: 'pwd\necho "index=$PIP_INDEX_URL"',
      prelude: 'set -e',
      stepDir: 'services',
      fromDir: 'services/api',
      stepEnv: { PIP_INDEX_URL: "https://pypi.example.org/simple?x='1'", 'BAD-NAME': 'x' },
    });
    expect(script).toBe(
      "set -e\ncd -- .. || exit 1\nexport PIP_INDEX_URL='https://pypi.example.org/simple?x='\\''1'\\'''\npwd\necho \"index=$PIP_INDEX_URL\"",
    );
    expect(bash(script, join(root, 'services', 'api'))).toEqual({
      code: 0,
      out: `${join(root, 'services')}\nindex=https://pypi.example.org/simple?x='1'`,
    });
  });

  it('goes from the workspace root into a step directory, and stops if it is missing', () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'rg-ws-')));
    const script = setupScript({ script: 'pwd', prelude: '', stepDir: 'missing/dir', stepEnv: {} });
    expect(script).toBe('cd -- missing/dir || exit 1\npwd');
    expect(bash(script, root).code).toBe(1);
  });

  it('is the plain script when nothing differs', () => {
    expect(setupScript({ script: 'npm ci\n', prelude: 'set -e', stepEnv: {}, stepDir: 'app', fromDir: 'app' })).toBe('npm ci');
  });
});

describe('mergeEnv', () => {
  it('merges levels in order, resolving matrix and earlier env, dropping what only the runner knows', () => {
    const merged = mergeEnv(
      [{ CI: true, LEVEL: 'workflow' }, { LEVEL: 'job', NODE: '${{ matrix.node }}', TOKEN: '${{ secrets.NPM_TOKEN }}' }, { TAG: 'node-${{ env.NODE }}', EMPTY: null }],
      { node: '20' },
    );
    expect(merged).toEqual({ env: { CI: 'true', LEVEL: 'job', NODE: '20', TAG: 'node-20' }, dropped: ['TOKEN'] });
  });

  it('drops an env given as one expression', () => {
    expect(mergeEnv(['${{ fromJSON(inputs.env) }}'], {})).toEqual({ env: {}, dropped: ['${{ fromJSON(inputs.env) }}'] });
  });
});

describe('shellQuote', () => {
  it('quotes only what needs it', () => {
    expect(shellQuote('packages/app')).toBe('packages/app');
    expect(shellQuote('my dir')).toBe("'my dir'");
  });
});
