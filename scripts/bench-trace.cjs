// Preloaded into the action by the fixed-cost benchmark (NODE_OPTIONS=--require): logs each child process and
// each HTTP request of the action's own process with its duration, as JSON lines in $REDGREEN_TRACE.
const fs = require('node:fs');

const file = process.env.REDGREEN_TRACE;
// Only the action itself: test runs inherit NODE_OPTIONS but have no business in the trace.
if (file && /dist[^/]*\/index\.js$/.test(process.argv[1] ?? '')) {
  delete process.env.NODE_OPTIONS;
  const t0 = performance.timeOrigin;
  const now = () => performance.timeOrigin + performance.now() - t0;
  const log = (kind, start, label) => fs.appendFileSync(file, `${JSON.stringify({ kind, start, ms: now() - start, label: String(label).slice(0, 200) })}\n`);
  const cp = require('node:child_process');
  const spawn = cp.spawn;
  cp.spawn = function traced(cmd, args, ...rest) {
    const start = now();
    const child = spawn.call(this, cmd, args, ...rest);
    child.once('exit', () => log('spawn', start, `${cmd} ${(args ?? []).join(' ')}`));
    return child;
  };
  require('node:module').syncBuiltinESMExports();
  const fetch = globalThis.fetch;
  globalThis.fetch = async function traced(input, init) {
    const start = now();
    try {
      return await fetch.call(this, input, init);
    } finally {
      log('fetch', start, typeof input === 'string' ? input : (input.url ?? String(input)));
    }
  };
  process.once('exit', () => {
    // The action's own CPU time: what it costs beyond waiting, whatever else the machine is doing.
    const cpu = process.cpuUsage();
    fs.appendFileSync(file, `${JSON.stringify({ kind: 'cpu', start: now(), ms: (cpu.user + cpu.system) / 1000, label: '' })}\n`);
    log('exit', now(), '');
  });
}
