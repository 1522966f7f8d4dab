// The engine's host on a terminal: a line per phase with its duration, a live line while tests run, evidence kept locally.
import type { Host } from '../host.js';

export function terminalHost(out: NodeJS.WriteStream = process.stdout): Host {
  const live = out.isTTY === true;
  let lastLive = 0;
  const clear = (): void => {
    if (live) out.write('\r\x1b[2K');
  };
  return {
    log: {
      info: (line) => {
        clear();
        out.write(`  ${line}\n`);
      },
      warn: (line) => {
        clear();
        out.write(`  warning: ${line}\n`);
      },
      async group(name, fn) {
        const started = Date.now();
        out.write(`▸ ${name}\n`);
        try {
          return await fn();
        } finally {
          clear();
          out.write(`  ${name} took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        }
      },
    },
    // The evidence stays in its local folder; there is no artifact service outside Actions.
    uploadEvidence: async () => undefined,
    writeSummary: async () => undefined,
    onTestOutput: live
      ? (chunk) => {
          const now = Date.now();
          if (now - lastLive < 100) return;
          lastLive = now;
          const line = chunk.replace(/\x1b\[[0-9;]*m/g, '').split('\n').filter((l) => l.trim()).at(-1) ?? '';
          out.write(`\r\x1b[2K    … ${line.slice(0, (out.columns || 100) - 8)}`);
        }
      : undefined,
  };
}
