// The `redgreen` command line: the action's engine with local adapters (bundled to dist/cli/index.js).
import { createOpenAIClient } from '../agent/model.js';
import { renderTerminal } from '../report/summary.js';
import type { Report } from '../report/types.js';
import { SettingsError } from '../settings.js';
import { killAllRunning } from '../testing/process.js';
import { errorMessage } from '../util/errors.js';
import { HELP, parseCli } from './args.js';
import { runDemo } from './demo.js';
import { terminalHost } from './host.js';
import { runLocal } from './local.js';

async function main(argv: string[]): Promise<number> {
  const args = parseCli(argv, process.env, process.cwd());
  if (args === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  const host = terminalHost();
  let report: Report;
  if (args.command === 'demo') {
    const demo = await runDemo(args.settings, host, { keep: args.keep, evidenceDir: args.evidenceDir });
    report = demo.report;
    if (args.keep) process.stdout.write(`\nThe demo project is kept at ${demo.dir}\n`);
  } else {
    const { settings } = args;
    if (!settings.apiKey && !settings.baseUrl) throw new SettingsError('Set OPENAI_API_KEY (or --openai-base-url for a server that needs no key).');
    const model = createOpenAIClient({
      apiKey: settings.apiKey || 'none',
      baseUrl: settings.baseUrl,
      model: settings.model,
      onRetry: (line) => host.log.info(line),
    });
    report = await runLocal({ settings, model, host, evidenceDir: args.evidenceDir });
  }
  process.stdout.write(`\n${renderTerminal(report)}\n`);
  if (report.localBranch) process.stdout.write(`The fix is on the local branch ${report.localBranch}.\n`);
  if (report.branch) process.stdout.write(`Pushed: ${report.branch}\n`);
  return report.status === 'error' ? 1 : 0;
}

main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((e: unknown) => {
    process.stderr.write(`redgreen: ${errorMessage(e)}\n`);
    process.exitCode = e instanceof SettingsError ? 2 : 1;
  })
  .finally(() => {
    killAllRunning();
    // Idle sockets or timers must not keep the command alive once the work is done.
    setImmediate(() => process.exit());
  });
