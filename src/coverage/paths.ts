// Ties the file paths a coverage tool wrote (absolute, relative to its run, or to a Cobertura <source>) to paths in the project.
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Returns the project-relative posix path of a covered file, or undefined when it lies outside the project. */
export type PathResolver = (raw: string, bases?: readonly string[]) => Promise<string | undefined>;

export async function createPathResolver(projectRoot: string): Promise<PathResolver> {
  const root = path.resolve(projectRoot);
  // The tool may have seen the project through a symlink (macOS /tmp, a linked workspace), so both spellings count.
  const roots = [root];
  const real = await realpath(root).catch(() => root);
  if (real !== root) roots.push(real);

  const inside = (abs: string): string | undefined => {
    for (const base of roots) {
      const rel = path.relative(base, abs);
      if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) continue;
      return rel.split(path.sep).join('/');
    }
    return undefined;
  };

  return async (raw, bases = []) => {
    let file = raw.trim();
    if (!file) return undefined;
    if (file.startsWith('file://')) file = fileURLToPath(file);
    if (path.isAbsolute(file)) return inside(path.normalize(file));
    // A relative path is relative to wherever the tool ran; the first base under which the file exists wins.
    for (const base of [...bases, root]) {
      const candidate = path.resolve(root, base, file);
      const rel = inside(candidate);
      if (rel !== undefined && (await isFile(candidate))) return rel;
    }
    // The file may be gone since the run (deleted, generated); the project root is the likeliest base.
    return inside(path.resolve(root, file));
  };
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
