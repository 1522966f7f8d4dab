// The project's own test suite: unit tests and end-to-end tests through dist/.
import { createLogger } from 'vite';
import { defineConfig } from 'vitest/config';

// The workflow parser ships source maps without their sources; inlining it (below) would warn about each file.
const logger = createLogger();
const warnOnce = logger.warnOnce.bind(logger);
logger.warnOnce = (msg, options) => {
  if (!msg.includes('points to missing source files')) warnOnce(msg, options);
};

export default defineConfig({
  customLogger: logger,
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/fixtures/**', 'node_modules/**', '.tmp/**'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // GitHub's workflow parser imports its JSON schema without an import attribute, which only a bundler accepts.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
    reporters: ['default', './scripts/closing-line-reporter.ts'],
  },
});
