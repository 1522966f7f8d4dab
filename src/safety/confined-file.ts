// Opening a file inside a folder without a race (the model's tools, delivery): open first (no final symlink, no truncation), then check what was opened.
import { constants } from 'node:fs';
import { lstat, mkdir, open, readlink, realpath, rmdir, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/** Why an opened file may not be used, in words for the model; undefined when it may. */
export type PlaceCheck = (realRel: string) => string | undefined;

/** A refusal of the opened file (its message goes to the model). */
export class ConfinementError extends Error {
  override name = 'ConfinementError';
}

export interface Opened {
  fh: FileHandle;
  /** Where the descriptor really points, relative to the root (posix). */
  realRel: string;
}

const { O_RDONLY, O_RDWR, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK } = constants;

/** read; write (created when missing); update (an existing file only). */
export type OpenMode = 'read' | 'write' | 'update';

/**
 * Opens `abs` under `root` for reading, or for writing (never truncated here), and
 * checks the open descriptor itself before a byte moves: a regular file, one link only, really inside the
 * root and not inside .git, and allowed by `check` at its real place. Whatever a test or the model's shell
 * swaps in between (a folder for a symlink, a hardlink), the descriptor is what is read or written, so it
 * can only be the file that was checked. A file this call created in the wrong place is removed again.
 */
export async function openConfined(root: string, abs: string, rel: string, mode: OpenMode, check: PlaceCheck): Promise<Opened> {
  // O_NONBLOCK: a FIFO planted under the name must not hang the run; it has no effect on regular files.
  const base = (mode === 'read' ? O_RDONLY : O_RDWR) | O_NOFOLLOW | O_NONBLOCK;
  let fh: FileHandle | undefined;
  let created = false;
  // Missing, then there when created: the tree changed in between, so look again (a few times at most).
  for (let attempt = 0; !fh; attempt++) {
    try {
      fh = await open(abs, base);
    } catch (e) {
      if (mode !== 'write' || code(e) !== 'ENOENT') throw openError(e, rel);
      await mkdirInside(root, path.dirname(abs), rel);
      try {
        fh = await open(abs, base | O_CREAT | O_EXCL, 0o644);
        created = true;
      } catch (e2) {
        if (code(e2) !== 'EEXIST' || attempt >= 3) throw openError(e2, rel);
      }
    }
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new ConfinementError(`'${rel}' is not a regular file.`);
    if (st.nlink !== 1) throw new ConfinementError(`'${rel}' is a hard link to a file that may lie outside the project; the tools do not touch it.`);
    const real = await descriptorPath(fh, abs);
    const realRel = insideRel(root, real);
    if (realRel === undefined) throw new ConfinementError(`'${rel}' leads outside the project; paths must stay inside the project.`);
    if (realRel.split('/').some((part) => part.toLowerCase() === '.git')) throw new ConfinementError(`'${rel}' leads into .git/, which the tools do not touch.`);
    const refused = check(realRel);
    if (refused) throw new ConfinementError(refused);
    return { fh, realRel };
  } catch (e) {
    if (created) await removeCreated(fh);
    await fh.close();
    throw e;
  }
}

/** Replaces the whole content through the checked descriptor. */
export async function overwrite(fh: FileHandle, content: string): Promise<void> {
  const bytes = Buffer.from(content);
  await fh.truncate(0);
  let done = 0;
  while (done < bytes.length) done += (await fh.write(bytes, done, bytes.length - done, done)).bytesWritten;
}

/** The path the kernel has for an open descriptor; without /proc (macOS), the resolved path, checked to be the same file. */
async function descriptorPath(fh: FileHandle, abs: string): Promise<string> {
  try {
    const real = await readlink(`/proc/self/fd/${fh.fd}`);
    if (real.endsWith(' (deleted)')) throw new ConfinementError(`'${path.basename(abs)}' was deleted while it was opened.`);
    return real;
  } catch (e) {
    if (e instanceof ConfinementError || code(e) !== 'ENOENT') throw e;
  }
  const real = await realpath(abs);
  const [a, b] = [await fh.stat(), await lstat(real)];
  if (a.ino !== b.ino || a.dev !== b.dev) throw new ConfinementError(`'${path.basename(abs)}' changed while it was opened.`);
  return real;
}

/** `real` relative to `root` (posix), or undefined when it is not inside. */
function insideRel(root: string, real: string): string | undefined {
  if (!real.startsWith(root + path.sep)) return undefined;
  return real.slice(root.length + 1).split(path.sep).join('/');
}

/** Creates the missing folders one by one, each checked to be inside the root once made. */
async function mkdirInside(root: string, dir: string, rel: string): Promise<void> {
  const missing: string[] = [];
  for (let d = dir; d !== root && d.startsWith(root + path.sep); d = path.dirname(d)) {
    if (await lstat(d).then(() => true, () => false)) break;
    missing.unshift(d);
  }
  for (const d of missing) {
    await mkdir(d).catch((e: unknown) => {
      if (code(e) !== 'EEXIST') throw openError(e, rel);
    });
    const real = await realpath(d);
    if (insideRel(root, real) === undefined) {
      await rmdir(real).catch(() => undefined);
      throw new ConfinementError(`'${rel}' leads outside the project; paths must stay inside the project.`);
    }
  }
}

/** Removes a file this call created where it must not be, found through its descriptor (never by the given name). */
async function removeCreated(fh: FileHandle): Promise<void> {
  const real = await readlink(`/proc/self/fd/${fh.fd}`).catch(() => undefined);
  if (!real || real.endsWith(' (deleted)')) return;
  const [a, b] = await Promise.all([fh.stat(), lstat(real).catch(() => undefined)]);
  if (b && a.ino === b.ino && a.dev === b.dev && a.size === 0) await unlink(real).catch(() => undefined);
}

function openError(e: unknown, rel: string): Error {
  switch (code(e)) {
    case 'ELOOP':
      return new ConfinementError(`'${rel}' is a symbolic link; the tools open only regular files.`);
    case 'ENOENT':
      return new ConfinementError(`'${rel}' does not exist.`);
    case 'EISDIR':
      return new ConfinementError(`'${rel}' is a folder, not a file.`);
    case 'ENOTDIR':
      return new ConfinementError(`a part of '${rel}' is not a folder.`);
    default:
      return e instanceof Error ? e : new Error(String(e));
  }
}

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}
