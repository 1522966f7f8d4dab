// Workflow steps turned into `bash -c` commands, checked by running them in real bash.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Scope } from '../../../src/github/expressions.js';
import { mergeEnv, setupScript, shellPlan, shellQuote, withPrelude } from '../../../src/github/step-command.js';
import { parseWorkflow } from '../../../src/github/workflow-file.js';

const inline = (prelude: string) => ({ kind: 'inline' as const, prelude });
const scope = (matrix = {}): Scope => ({ github: {}, runner: {}, env: {}, inputs: {}, matrix });

/** The env maps of a one-job, one-step workflow: workflow, job and step level. */
function envLevels(yaml: string) {
  const wf = parseWorkflow(yaml);
  if ('error' in wf) throw new Error(wf.error);
  const job = wf.jobs[0]!;
  return [wf.env, job.env, job.steps[0]?.env];
}

function bash(command: string, cwd: string, env: Record<string, string> = {}): { code: number | null; out: string } {
  const result = spawnSync('bash', ['-c', command], { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, encoding: 'utf8' });
  return { code: result.status, out: result.stdout.trim() };
}

describe('shellPlan and withPrelude', () => {
  it("gives bash -c the runner's flags for each shell, and a script file to the others", () => {
    expect(shellPlan(undefined)).toEqual(inline('set -e'));
    expect(shellPlan('sh')).toEqual(inline('set -e'));
    expect(shellPlan('bash')).toEqual(inline('set -eo pipefail'));
    expect(shellPlan('bash --noprofile --norc -eo pipefail {0}')).toEqual(inline('set -eo pipefail'));
    expect(shellPlan('bash -e {0}')).toEqual(inline('set -e'));
    expect(shellPlan('python')).toEqual({ kind: 'file', template: 'python {0}', extension: '.py' });
    expect(shellPlan('cmd')).toEqual({ error: 'runs with `shell: cmd`, which exists only on Windows runners' });
  });

  it('reads the login profile first for `bash -l {0}`, as a login shell does', () => {
    const home = realpathSync(mkdtempSync(join(tmpdir(), 'rg-home-')));
    writeFileSync(join(home, '.bash_profile'), 'export FROM_PROFILE=conda-base\n');
    const plan = shellPlan('bash -l {0}');
    if (!('prelude' in plan)) throw new Error('expected an inline plan');
    const command = withPrelude('echo "$FROM_PROFILE"', plan.prelude);
    expect(bash(command, home, { HOME: home }).out).toBe('conda-base');
    expect(bash('echo "$FROM_PROFILE"', home, { HOME: home }).out).toBe('');
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
      plan: inline('set -e'),
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
    const script = setupScript({ script: 'pwd', plan: inline(''), stepDir: 'missing/dir', stepEnv: {} });
    expect(script).toBe('cd -- missing/dir || exit 1\npwd');
    expect(bash(script, root).code).toBe(1);
  });

  it('is the plain script when nothing differs', () => {
    expect(setupScript({ script: 'npm ci\n', plan: inline('set -e'), stepEnv: {}, stepDir: 'app', fromDir: 'app' })).toBe('npm ci');
  });

  it("runs a step of another shell from a script file, as the runner does", () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'rg-ws-')));
    const script = setupScript({ script: 'import os\nprint("py", os.environ["WHO"])', plan: { kind: 'file', template: 'python3 {0}', extension: '.py' }, stepEnv: { WHO: 'me' } });
    expect(bash(script, root)).toEqual({ code: 0, out: 'py me' });
  });
});

describe('mergeEnv', () => {
  it('merges levels in order, evaluating matrix, operators and earlier env, naming what only the runner knows', () => {
    const levels = envLevels(
      'on: push\nenv:\n  CI: true\n  LEVEL: workflow\njobs:\n  t:\n    runs-on: ubuntu-latest\n    env:\n      LEVEL: job\n      NODE: ${{ matrix.node }}\n      TOKEN: ${{ secrets.NPM_TOKEN }}\n' +
        "    steps:\n      - run: make\n        env:\n          TAG: node-${{ env.NODE }}\n          DEV: ${{ matrix.node == 20 && '1' || '' }}\n",
    );
    const merged = mergeEnv(levels, scope({ node: 20 }));
    expect(merged.env).toEqual({ CI: 'true', LEVEL: 'job', NODE: '20', TOKEN: '', TAG: 'node-20', DEV: '1' });
    expect([...merged.uncertain]).toEqual([['TOKEN', ['secrets.NPM_TOKEN']]]);
  });

  it('takes an env given as one expression', () => {
    const levels = envLevels('on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    env: ${{ fromJSON(\'{"A":"1"}\') }}\n    steps:\n      - run: make\n');
    expect(mergeEnv(levels, scope()).env).toEqual({ A: '1' });
  });
});

describe('shellQuote', () => {
  it('quotes only what needs it', () => {
    expect(shellQuote('packages/app')).toBe('packages/app');
    expect(shellQuote('my dir')).toBe("'my dir'");
  });
});
