// The shell tool on a real git checkout: what a command changes is an edit, unless it may not be written (undone),
// or is what a test run writes too (kept out); .git/ is put back; commands are bounded in time.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createShell } from '../../../src/agent/shell.js';
import { Workspace } from '../../../src/agent/workspace.js';

let root: string;
let logs: string;
const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'rg-shell-'));
  logs = await mkdtemp(path.join(os.tmpdir(), 'rg-shell-logs-'));
  await mkdir(path.join(root, 'src'));
  await mkdir(path.join(root, 'test'));
  await writeFile(path.join(root, 'src', 'range.js'), 'for (let i = start; i < end; i++) out.push(i);\n');
  await writeFile(path.join(root, '.gitignore'), 'ignored/\n');
  git('init', '-q', '-b', 'main');
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'init');
});

async function shell(policy: { refuseWrite?: (rel: string) => string | undefined } = {}) {
  const workspace = await Workspace.open(root, { allowWorkflowEdits: false, ...policy });
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root };
  return { workspace, shell: createShell({ workspace, env, maxTimeoutMs: 20_000, logDir: logs, redact: (s) => s.replaceAll('hunter2', '***') }) };
}

describe('the shell tool', () => {
  it('counts a sed -i fix as an edit and reports output and exit code per command', async () => {
    const { workspace, shell: sh } = await shell();
    const r = await sh.run(["sed -i 's/i < end/i <= end/' src/range.js", 'cat src/range.js; echo hunter2; exit 3']);
    expect(r.results.map((x) => x.outcome)).toEqual([{ type: 'exit', exitCode: 0 }, { type: 'exit', exitCode: 3 }]);
    expect(r.results[1]!.stdout).toBe('for (let i = start; i <= end; i++) out.push(i);\n***\n');
    expect(r.edited).toEqual(['src/range.js (modified)']);
    expect([...workspace.touched]).toEqual(['src/range.js']);
    expect(r.text).toContain('[exit 3]');
    expect(r.text).toContain('kept as your edits: src/range.js (modified)');
    expect(r.text).not.toContain('hunter2');
  });

  it('undoes a workflow the command wrote, keeps lock files, caches and ignored files out, and edits nothing else', async () => {
    const { workspace, shell: sh } = await shell();
    const r = await sh.run([
      'mkdir -p .github/workflows node_modules/x ignored && echo "on: push" > .github/workflows/evil.yml && echo "{}" > package-lock.json && echo x > node_modules/x/i.js && echo y > ignored/z && echo "<testsuites/>" > junit.xml && echo > .coverage',
    ]);
    await expect(readFile(path.join(root, '.github/workflows/evil.yml'))).rejects.toThrow(/ENOENT/);
    expect(r.text).toMatch(/Undone, because these files may not be written in this run: \.github\/workflows\/evil\.yml \('\.github\/workflows\/evil\.yml' is a workflow file/);
    expect(r.edited).toEqual([]);
    expect(workspace.touched.size).toBe(0);
    expect(await readFile(path.join(root, 'package-lock.json'), 'utf8')).toBe('{}\n');
  });

  it('undoes a non-test file in coverage mode and restores its old content', async () => {
    const { workspace, shell: sh } = await shell({ refuseWrite: (rel) => (rel.startsWith('test/') ? undefined : `'${rel}' is not a test file`) });
    const r = await sh.run(['echo "broken" > src/range.js && echo "ok" > test/a.test.js && rm -f .gitignore']);
    expect(await readFile(path.join(root, 'src/range.js'), 'utf8')).toBe('for (let i = start; i < end; i++) out.push(i);\n');
    expect(await readFile(path.join(root, '.gitignore'), 'utf8')).toBe('ignored/\n');
    expect(r.edited).toEqual(['test/a.test.js (added)']);
    expect([...workspace.touched]).toEqual(['test/a.test.js']);
  });

  it('puts .git/ config, hooks and refs back and says so', async () => {
    const { shell: sh } = await shell();
    const config = await readFile(path.join(root, '.git/config'), 'utf8');
    const head = git('rev-parse', 'HEAD');
    const r = await sh.run([
      'git config core.hooksPath /tmp/evil && printf "#!/bin/sh\\necho pwned\\n" > .git/hooks/pre-commit && git -c user.name=t -c user.email=t@t commit -q --allow-empty -m sneaky',
    ]);
    expect(await readFile(path.join(root, '.git/config'), 'utf8')).toBe(config);
    await expect(readFile(path.join(root, '.git/hooks/pre-commit'))).rejects.toThrow(/ENOENT/);
    expect(git('rev-parse', 'HEAD')).toBe(head);
    expect(r.text).toMatch(/Changes inside \.git\/ were put back: .*\.git\/config/);
    expect(r.text).toContain('.git/hooks/pre-commit');
    expect(r.text).toContain('.git/refs/heads/main');
  });

  it('kills a command at the smaller of its own timeout and the test timeout', async () => {
    const { shell: sh } = await shell();
    const r = await sh.run(['echo started; sleep 30'], { timeoutMs: 1000 });
    expect(r.results[0]!.outcome).toEqual({ type: 'timeout' });
    expect(r.results[0]!.stdout).toContain('started');
    expect(r.text).toMatch(/timed out after 1 s/);
  });
});
