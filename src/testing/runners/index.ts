// The runners redgreen knows, by kind, and recognising one from its output when the command does not tell.
import type { RunnerKind } from '../types.js';
import { cargo } from './cargo.js';
import { go } from './go.js';
import { jest } from './jest.js';
import { junit } from './junit.js';
import { mocha } from './mocha.js';
import { nodeTest } from './node-test.js';
import { pytest } from './pytest.js';
import type { RunnerSpec } from './types.js';
import { unittest } from './unittest.js';
import { vitest } from './vitest.js';

// Most distinctive first: vitest's and jest's summaries would not be mistaken for another's.
const SPECS: RunnerSpec[] = [vitest, jest, mocha, nodeTest, pytest, unittest, cargo, go, junit];

export function specFor(kind: RunnerKind): RunnerSpec | undefined {
  return SPECS.find((spec) => spec.kind === kind);
}

/** The runner whose output this looks like, or 'unknown'. */
export function detectFromOutput(output: string): RunnerKind {
  return SPECS.find((spec) => spec.looksLike(output))?.kind ?? 'unknown';
}
