// The offline demo: a small bundled project with one failing test, fixed by a scripted model, with the real engine.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Git } from '../delivery/git.js';
import type { Host } from '../host.js';
import type { Settings } from '../settings.js';
import { runLocal, type LocalResult } from './local.js';
import { scriptedModel } from './scripted-model.js';

/** What a model would do on the demo project: look, make the one-character fix, check it, hand over. */
const DEMO_SCRIPT = [
  { tool: 'read_file', args: { path: 'src/cart.js' } },
  {
    tool: 'edit_file',
    args: { path: 'src/cart.js', old_string: 'item.quantity > 10 ? total * 0.9', new_string: 'item.quantity >= 10 ? total * 0.9' },
  },
  { tool: 'run_tests', args: {} },
  { answer: 'The discount applied only above 10 items, but the rule (and the test) says 10 or more: the comparison is now >=.' },
];

/** The bundled project ships in the package at <package>/demo/project; this file is <package>/dist/cli/index.js (or src/cli/demo.ts). */
function demoSource(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'demo', 'project');
}

export async function runDemo(settings: Settings, host: Host, opts: { keep: boolean; evidenceDir?: string; color?: boolean }): Promise<LocalResult & { dir: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'redgreen-demo-'));
  await cp(demoSource(), dir, { recursive: true });
  const git = new Git(dir);
  const who = { GIT_AUTHOR_NAME: 'demo', GIT_AUTHOR_EMAIL: 'demo@example.com', GIT_COMMITTER_NAME: 'demo', GIT_COMMITTER_EMAIL: 'demo@example.com' };
  await git.exec(['init', '-q', '-b', 'main']);
  await git.exec(['add', '-A']);
  await git.exec(['commit', '-q', '-m', 'A shop with a discount bug'], { env: who });
  host.log.info(`demo project: ${dir} (a cart whose 10%-off rule starts one item too late)`);
  try {
    const result = await runLocal({
      settings: { ...settings, mode: 'fix', testCommand: 'npm test', workingDirectory: dir, model: 'scripted-demo', push: 'none' },
      model: scriptedModel(DEMO_SCRIPT),
      host,
      evidenceDir: opts.evidenceDir,
      color: opts.color,
    });
    return { ...result, dir };
  } finally {
    if (!opts.keep) await rm(dir, { recursive: true, force: true });
  }
}
