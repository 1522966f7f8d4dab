// The project's own test suite: unit tests and end-to-end tests through dist/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/fixtures/**', 'node_modules/**', '.tmp/**'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './scripts/closing-line-reporter.ts'],
  },
});
