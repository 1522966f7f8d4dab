// Takes the credentials a checkout left in the local git config out for the run, and puts the file back exactly afterwards.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Git } from './git.js';

export interface StrippedCredentials {
  /** Secret values found (raw header values, tokens), to register with the exit gate. */
  found: string[];
  /** Config keys that were taken out or rewritten, for the log (no values). */
  removed: string[];
  /** Writes the original config file back, byte for byte. Safe to call more than once. */
  restore(): Promise<void>;
}

interface ConfigEntry {
  origin: string;
  key: string;
  value: string;
}

type Kind = 'header' | 'helper' | 'url' | 'insteadof';

/**
 * Removes `http.*.extraheader`, `credential.*helper`, tokens embedded in remote URLs and
 * `url.<token URL>.insteadOf` from the local config, including from files it includes
 * (actions/checkout v6 keeps its header in an included file under RUNNER_TEMP).
 */
export async function stripCredentials(git: Git): Promise<StrippedCredentials> {
  const configPath = path.join(await git.commonDir(), 'config');
  const original = await readFile(configPath);
  const localOrigin = await originOfLocalFile(git);
  const found = new Set<string>();
  const removed: string[] = [];
  const includedOrigins = new Set<string>();
  const blanked = new Map<string, Buffer>();

  for (const entry of await listLocal(git, true)) {
    const kind = classify(entry.key, entry.value);
    if (!kind) continue;
    for (const secret of secretsIn(kind, entry.value, entry.key)) found.add(secret);
    if (entry.origin !== localOrigin) {
      includedOrigins.add(entry.origin);
      continue;
    }
    removed.push(entry.key);
    if (kind === 'url') {
      await git.exec(['config', '--local', '--fixed-value', '--replace-all', entry.key, stripUserinfo(entry.value), entry.value]);
    } else {
      await git.configUnset(entry.key, entry.value);
    }
  }

  if (includedOrigins.size > 0) {
    const includes = (await listLocal(git, false)).filter((e) => isIncludeKey(e.key));
    const configDir = path.dirname(configPath);
    const targets = new Set([...includedOrigins].map((o) => path.resolve(git.cwd, o.replace(/^file:/, ''))));
    let matched = includes.filter((e) => targets.has(resolveIncludePath(configDir, e.value)));
    // A credential from a nested include cannot be traced to one entry: drop every include for the run.
    if (matched.length < targets.size) matched = includes;
    for (const inc of matched) {
      removed.push(inc.key);
      await git.configUnset(inc.key, inc.value);
    }
    // The included file itself stays where every process can read it (checkout v6 keeps it in RUNNER_TEMP): blank it for the run.
    for (const file of targets) {
      const bytes = await readFile(file).catch(() => undefined);
      if (bytes === undefined) continue;
      blanked.set(file, bytes);
      await writeFile(file, '');
    }
  }

  // Submodules (checkout writes their header into each .git/modules/**/config) and worktrees have configs of their own.
  const others = new Map<string, Buffer>();
  for (const file of await otherConfigs(path.dirname(configPath))) {
    const bytes = await readFile(file);
    const keys = await stripFile(git, file, found, blanked);
    if (keys.length === 0) continue;
    others.set(file, bytes);
    removed.push(...keys.map((k) => `${path.relative(path.dirname(configPath), file)}: ${k}`));
  }

  let restored = removed.length === 0;
  return {
    found: [...found],
    removed,
    async restore() {
      if (restored) return;
      await writeFile(configPath, original);
      for (const [file, bytes] of others) await writeFile(file, bytes);
      for (const [file, bytes] of blanked) await writeFile(file, bytes);
      restored = true;
    },
  };
}

/** The `config` under `modules/` of every submodule (nested ones too), and the `config.worktree` files of linked worktrees. */
async function otherConfigs(gitDir: string): Promise<string[]> {
  const out: string[] = [];
  const worktreeConfig = path.join(gitDir, 'config.worktree');
  if (await readFile(worktreeConfig).then(() => true, () => false)) out.push(worktreeConfig);
  const entries = await readdir(gitDir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isFile()) continue;
    const rel = path.relative(gitDir, path.join(e.parentPath, e.name)).split(path.sep);
    const inModule = rel[0] === 'modules' && e.name === 'config' && rel.length >= 3;
    const inWorktree = rel[0] === 'worktrees' && rel.length === 3 && (e.name === 'config.worktree' || e.name === 'config');
    if (inModule || inWorktree) out.push(path.join(e.parentPath, e.name));
  }
  return out.sort();
}

/**
 * Takes the credentials out of one config file (and blanks the files it includes that hold some); returns the
 * keys taken out. The file's bytes are restored by the caller.
 */
async function stripFile(git: Git, file: string, found: Set<string>, blanked: Map<string, Buffer>): Promise<string[]> {
  const keys: string[] = [];
  const config = (...args: string[]) => git.exec(['config', '--file', file, ...args], { allowFailure: true });
  for (const entry of parseList((await config('--list', '-z', '--show-origin', '--no-includes')).stdout)) {
    const kind = classify(entry.key, entry.value);
    if (isIncludeKey(entry.key)) {
      const target = resolveIncludePath(path.dirname(file), entry.value);
      const text = await readFile(target, 'utf8').catch(() => undefined);
      const inside = text === undefined ? [] : parseList((await git.exec(['config', '--file', target, '--list', '-z', '--show-origin'], { allowFailure: true })).stdout);
      const creds = inside.filter((e) => classify(e.key, e.value));
      if (creds.length === 0) continue;
      for (const e of creds) for (const secret of secretsIn(classify(e.key, e.value)!, e.value, e.key)) found.add(secret);
      if (!blanked.has(target)) blanked.set(target, await readFile(target));
      await writeFile(target, '');
    } else if (!kind) {
      continue;
    } else {
      for (const secret of secretsIn(kind, entry.value, entry.key)) found.add(secret);
    }
    keys.push(entry.key);
    if (kind === 'url') await config('--fixed-value', '--replace-all', entry.key, stripUserinfo(entry.value), entry.value);
    else await config('--fixed-value', '--unset-all', entry.key, entry.value);
  }
  return keys;
}

function classify(key: string, value: string): Kind | undefined {
  const k = key.toLowerCase();
  if (k.startsWith('http.') && k.endsWith('.extraheader')) return 'header';
  if (k.startsWith('credential.') && k.endsWith('.helper')) return 'helper';
  if (/^remote\..+\.(url|pushurl)$/.test(k) && userinfoOf(value)) return 'url';
  if (k.startsWith('url.') && /\.(insteadof|pushinsteadof)$/.test(k) && userinfoOf(subsection(key))) return 'insteadof';
  return undefined;
}

function secretsIn(kind: Kind, value: string, key: string): string[] {
  switch (kind) {
    case 'header':
      return value ? [value, ...tokensInHeader(value)] : [];
    case 'helper':
      // An inline helper (`!f() { echo password=...; }; f`) may carry the token itself.
      return value.startsWith('!') ? [value] : [];
    case 'url':
      return tokensInUserinfo(userinfoOf(value));
    case 'insteadof':
      return tokensInUserinfo(userinfoOf(subsection(key)));
  }
}

/** `AUTHORIZATION: basic base64(user:token)` or `Authorization: bearer token`. */
function tokensInHeader(header: string): string[] {
  const m = /^\s*authorization\s*:\s*(\w+)\s+(\S+)\s*$/i.exec(header);
  if (!m?.[1] || !m[2]) return [];
  if (m[1].toLowerCase() !== 'basic') return [m[2]];
  const decoded = Buffer.from(m[2], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && colon < decoded.length - 1 ? [decoded.slice(colon + 1)] : [];
}

function tokensInUserinfo(userinfo: string | undefined): string[] {
  if (!userinfo) return [];
  const colon = userinfo.indexOf(':');
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
  const password = colon < 0 ? '' : userinfo.slice(colon + 1);
  // `https://TOKEN@github.com/...` carries the token as the user name.
  const secret = password || user;
  const decoded = safeDecode(secret);
  return decoded === secret ? [secret] : [secret, decoded];
}

function userinfoOf(url: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^@/?#]+)@/i.exec(url);
  return m?.[1];
}

function stripUserinfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/?#]+@/i, '$1');
}

/** `url.<base>.insteadof` → `<base>` (the base may contain dots). */
function subsection(key: string): string {
  return key.slice(key.indexOf('.') + 1, key.lastIndexOf('.'));
}

function isIncludeKey(key: string): boolean {
  const k = key.toLowerCase();
  return k === 'include.path' || (k.startsWith('includeif.') && k.endsWith('.path'));
}

function resolveIncludePath(configDir: string, value: string): string {
  if (value.startsWith('~/')) return path.join(homedir(), value.slice(2));
  return path.resolve(configDir, value);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

async function originOfLocalFile(git: Git): Promise<string> {
  const { stdout } = await git.exec(['config', '--local', '--list', '--show-origin', '-z', '--no-includes']);
  return stdout.split('\0')[0] ?? '';
}

async function listLocal(git: Git, includes: boolean): Promise<ConfigEntry[]> {
  const { stdout } = await git.exec([
    'config',
    '--local',
    '--list',
    '--show-origin',
    '-z',
    includes ? '--includes' : '--no-includes',
  ]);
  return parseList(stdout);
}

/** `git config --list --show-origin -z` output as entries. */
function parseList(stdout: string): ConfigEntry[] {
  const parts = stdout.split('\0');
  const entries: ConfigEntry[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const origin = parts[i] ?? '';
    const kv = parts[i + 1] ?? '';
    const nl = kv.indexOf('\n');
    entries.push({ origin, key: nl < 0 ? kv : kv.slice(0, nl), value: nl < 0 ? '' : kv.slice(nl + 1) });
  }
  return entries;
}
