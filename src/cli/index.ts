// The `redgreen` command line: the action's engine with local adapters (bundled to dist/cli/index.js).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { modelFromSettings } from '../agent/model.js';
import { SettingsError } from '../settings.js';
import { killAllRunning } from '../testing/process.js';
import { errorMessage } from '../util/errors.js';
import { HELP, parseCli } from './args.js';
import { runDemo } from './demo.js';
import { terminalHost } from './host.js';
import { runLocal, type LocalResult } from './local.js';
import { renderJson, renderText } from './output.js';
import { onInterrupt } from './worktree.js';

async function main(argv: string[]): Promise<number> {
  const args = parseCli(argv, process.env, process.cwd());
  if (args === 'version') {
    process.stdout.write(`${await packageVersion()}\n`);
    return 0;
  }
  if (args === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  // With --json, stdout holds the one JSON object and nothing else: progress goes to stderr.
  const host = terminalHost(args.json ? process.stderr : process.stdout);
  const color = !args.json && process.stdout.isTTY === true && !process.env.NO_COLOR;
  let result: LocalResult;
  if (args.command === 'demo') {
    const demo = await runDemo(args.settings, host, { keep: args.keep, evidenceDir: args.evidenceDir, color });
    result = demo;
    if (args.keep) host.log.info(`The demo project is kept at ${demo.dir}`);
  } else {
    const { settings } = args;
    if (!settings.apiKey && !settings.baseUrl) throw new SettingsError('Set OPENAI_API_KEY (or --openai-base-url for a server that needs no key).');
    const model = modelFromSettings(settings, (line) => host.log.info(line));
    result = await runLocal({ settings, model, host, evidenceDir: args.evidenceDir, color, shell: args.shell });
  }
  process.stdout.write(args.json ? renderJson(result) : renderText(result));
  return result.report.status === 'error' ? 1 : 0;
}

/** The version in the package's own package.json: this bundle is <package>/dist/cli/index.js. */
async function packageVersion(): Promise<string> {
  const file = fileURLToPath(new URL('../../package.json', import.meta.url));
  return z.object({ version: z.string() }).parse(JSON.parse(await readFile(file, 'utf8'))).version;
}

// Ctrl-C: stop the test processes (each in its own process group, so the terminal's signal misses them)
// and take the temporary worktree away, since `finally` blocks do not run on a signal.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllRunning();
    for (const cleanup of onInterrupt) cleanup();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

const argv = process.argv.slice(2);
main(argv)
  .then((code) => {
    process.exitCode = code;
  })
  .catch((e: unknown) => {
    const reason = errorMessage(e);
    process.stderr.write(`redgreen: ${reason}\n`);
    // A script reading --json still gets one object when the run could not start.
    if (argv.includes('--json')) process.stdout.write(`${JSON.stringify({ status: 'error', reason }, null, 2)}\n`);
    process.exitCode = e instanceof SettingsError ? 2 : 1;
  })
  .finally(() => {
    killAllRunning();
    // Idle sockets or timers must not keep the command alive once the work is done.
    setImmediate(() => process.exit());
  });
