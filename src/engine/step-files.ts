// The runner's file commands for repeated setup steps: GITHUB_ENV and GITHUB_PATH files of the run's own, read after each step.
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const names = { GITHUB_ENV: 'env', GITHUB_PATH: 'path', GITHUB_OUTPUT: 'output', GITHUB_STATE: 'state', GITHUB_STEP_SUMMARY: 'summary' } as const;

/** `NAME=value` lines and `NAME<<DELIMITER` … `DELIMITER` blocks, as the runner reads GITHUB_ENV. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const heredoc = /^([^=\s]+)<<(.+)$/.exec(line);
    const eq = line.indexOf('=');
    if (heredoc?.[1] && heredoc[2] && (eq < 0 || eq > line.indexOf('<<'))) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i] ?? '');
      out[heredoc[1]] = value.join('\n');
    } else if (eq > 0) {
      out[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return out;
}

/** One directory a line, as the runner reads GITHUB_PATH. */
export function parsePathFile(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** A folder of file-command files, emptied before each step; the untrusted side writes them, only this side reads them. */
export class StepFiles {
  private constructor(private readonly dir: string) {}

  static async create(): Promise<StepFiles> {
    const dir = await mkdtemp(path.join(tmpdir(), 'redgreen-step-files-'));
    // A second, unprivileged user runs the steps and must be able to write here.
    await chmod(dir, 0o777);
    return new StepFiles(dir);
  }

  /** Empties the files and returns the variables that point a step at them. */
  async reset(): Promise<Record<string, string>> {
    const env: Record<string, string> = {};
    for (const [variable, file] of Object.entries(names)) {
      const full = path.join(this.dir, file);
      await writeFile(full, '');
      await chmod(full, 0o666);
      env[variable] = full;
    }
    return env;
  }

  /** What the last step wrote to GITHUB_ENV and GITHUB_PATH. */
  async collect(): Promise<{ env: Record<string, string>; path: string[] }> {
    const read = (file: string) => readFile(path.join(this.dir, file), 'utf8').catch(() => '');
    return { env: parseEnvFile(await read(names.GITHUB_ENV)), path: parsePathFile(await read(names.GITHUB_PATH)).reverse() };
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
