// The last word is the action's: outputs and summary are written once every untrusted process has ended, replacing whatever else reached those files.
import * as core from '@actions/core';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Host } from '../host.js';

/** File commands the action itself never writes during a run: they end as they began. */
const UNTOUCHED = ['GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STATE'] as const;

/** A fresh file in place of the old one, so a symlink planted at the path is replaced, never followed. */
function replaceFile(file: string, text: string): void {
  rmSync(file, { force: true });
  writeFileSync(file, text, { flag: 'wx' });
}

export class FinalWord {
  private readonly outputs = new Map<string, string>();
  private summary: string | undefined;
  private readonly before = new Map<string, string>();

  constructor(private readonly env: NodeJS.ProcessEnv) {
    for (const name of UNTOUCHED) {
      const file = env[name];
      if (!file) continue;
      try {
        this.before.set(file, readFileSync(file, 'utf8'));
      } catch {
        // Not there yet: it ends empty.
        this.before.set(file, '');
      }
    }
  }

  setOutput(name: string, value: string | number): void {
    this.outputs.set(name, String(value));
  }

  /** The host with its summary held back until `write`. */
  host(host: Host): Host {
    return {
      ...host,
      writeSummary: async (markdown) => {
        this.summary = (this.summary ?? '') + markdown;
      },
    };
  }

  /**
   * Call after the sweep: GITHUB_OUTPUT and GITHUB_STEP_SUMMARY hold exactly what the action says, and
   * GITHUB_ENV, GITHUB_PATH and GITHUB_STATE what they held when it started (a test may have appended to them).
   */
  async write(): Promise<void> {
    for (const [file, text] of this.before) {
      try {
        replaceFile(file, text);
      } catch (e) {
        core.warning(`Could not restore ${file}: ${(e as Error).message}`);
      }
    }
    if (this.env.GITHUB_OUTPUT) replaceFile(this.env.GITHUB_OUTPUT, '');
    for (const [name, value] of this.outputs) core.setOutput(name, value);
    if (this.env.GITHUB_STEP_SUMMARY) replaceFile(this.env.GITHUB_STEP_SUMMARY, '');
    if (this.summary !== undefined) {
      try {
        await core.summary.addRaw(this.summary, true).write({ overwrite: true });
      } catch (e) {
        core.warning(`Could not write the job summary: ${(e as Error).message}`);
      }
    }
  }
}
