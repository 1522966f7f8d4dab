// Snapshots of the project's files (tracked and untracked, not ignored) as git trees, so a shell call's edits can be
// listed and undone; and a guard that puts .git/'s config, hooks, info/ and refs back as they were.
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Git } from '../delivery/git.js';

export interface TreeChange {
  /** Relative to the project folder, posix. */
  path: string;
  kind: 'added' | 'modified' | 'deleted';
}

/** Builds trees in an index of its own: the checkout's index and refs are never touched. */
export class TreeSnapshots {
  private constructor(
    private readonly git: Git,
    private readonly gitDir: string,
    private readonly tmp: string,
    /** The project folder relative to the repository root, '' at the root. */
    private readonly prefix: string,
  ) {}

  static async open(workDir: string): Promise<TreeSnapshots> {
    const git = new Git(workDir);
    const r = await git.exec(['rev-parse', '--absolute-git-dir', '--show-prefix']);
    const [gitDir = '', prefix = ''] = r.stdout.split('\n');
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'redgreen-tree-'));
    return new TreeSnapshots(git, gitDir, tmp, prefix.replace(/\/$/, ''));
  }

  private env(): Record<string, string> {
    return { GIT_INDEX_FILE: path.join(this.tmp, 'index') };
  }

  /** The id of a tree holding every file of the project as it is now. */
  async take(): Promise<string> {
    // Starting from the checkout's index lets git skip hashing files whose stat did not change.
    await copyFile(path.join(this.gitDir, 'index'), path.join(this.tmp, 'index')).catch(() => rm(path.join(this.tmp, 'index'), { force: true }));
    await this.git.exec(['add', '-A', '--', '.'], { env: this.env() });
    return (await this.git.exec(['write-tree'], { env: this.env() })).stdout.trim();
  }

  async changes(before: string, after: string): Promise<TreeChange[]> {
    const r = await this.git.exec(['diff-tree', '-r', '--no-renames', '--name-status', '-z', before, after, '--', '.']);
    const fields = r.stdout.split('\0').filter(Boolean);
    const out: TreeChange[] = [];
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const status = fields[i]!;
      const full = fields[i + 1]!;
      const rel = this.prefix ? path.posix.relative(this.prefix, full) : full;
      out.push({ path: rel, kind: status === 'A' ? 'added' : status === 'D' ? 'deleted' : 'modified' });
    }
    return out;
  }

  /** Puts one file back as it was in `tree` (deleting it if it was not there). */
  async restore(tree: string, change: TreeChange): Promise<void> {
    const abs = path.join(this.git.cwd, change.path);
    if (change.kind === 'added') {
      await rm(abs, { force: true, recursive: true });
      return;
    }
    await rm(abs, { force: true, recursive: true });
    await this.git.exec(['checkout', tree, '--', change.path], { env: this.env() });
  }

  async close(): Promise<void> {
    await rm(this.tmp, { recursive: true, force: true });
  }
}

/** The parts of .git/ that change what git runs or what a branch is: nothing the tree comparison can see. */
const GUARDED = ['config', 'HEAD', 'packed-refs', 'hooks', 'info', 'refs'];

async function walk(abs: string, into: Map<string, Buffer>): Promise<void> {
  let entries;
  try {
    entries = await readdir(abs, { withFileTypes: true });
  } catch {
    try {
      into.set(abs, await readFile(abs));
    } catch {
      // Not there: nothing to keep.
    }
    return;
  }
  for (const e of entries) await walk(path.join(abs, e.name), into);
}

export class GitDirGuard {
  private constructor(private readonly dirs: string[]) {}

  static async open(workDir: string): Promise<GitDirGuard> {
    const r = await new Git(workDir).exec(['rev-parse', '--absolute-git-dir', '--git-common-dir'], { allowFailure: true });
    const [own = '', common = ''] = r.stdout.split('\n');
    return new GitDirGuard([...new Set([own, common && path.resolve(workDir, common)].filter(Boolean))]);
  }

  /** The guarded files by absolute path. */
  async take(): Promise<Map<string, Buffer>> {
    const files = new Map<string, Buffer>();
    for (const dir of this.dirs) for (const name of GUARDED) await walk(path.join(dir, name), files);
    return files;
  }

  /** Puts every guarded file back as it was; returns the ones that had changed, as .git/… paths. */
  async restore(before: Map<string, Buffer>): Promise<string[]> {
    const now = await this.take();
    const changed = new Set<string>();
    for (const [abs, bytes] of now) {
      const old = before.get(abs);
      if (old?.equals(bytes)) continue;
      if (old) await writeFile(abs, old);
      else await rm(abs, { force: true });
      changed.add(abs);
    }
    for (const [abs, bytes] of before) {
      if (now.has(abs)) continue;
      await mkdir(path.dirname(abs), { recursive: true });
      await writeFile(abs, bytes);
      changed.add(abs);
    }
    return [...changed].map((abs) => {
      const dir = this.dirs.find((d) => abs.startsWith(d + path.sep))!;
      return `.git/${path.relative(dir, abs)}`;
    });
  }
}
