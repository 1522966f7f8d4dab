import { describe, expect, it } from 'vitest';
import { Budget, isPriceKnown, priceOf } from '../../../src/agent/budget.js';

describe('Budget', () => {
  it('says which limit ran out first', () => {
    let now = 0;
    const b = new Budget({ maxTurns: 3, maxTokens: 1000, deadline: 100 }, 'unknown-model', undefined, () => now);
    expect(b.exhausted()).toBeUndefined();
    b.add(400, 100);
    b.add(400, 200);
    expect(b.exhausted()).toMatch(/token budget.*1100 of 1000/);
    const t = new Budget({ maxTurns: 1, maxTokens: 1e9, deadline: 100 }, 'm', undefined, () => now);
    t.add(1, 1);
    expect(t.exhausted()).toMatch(/turn budget/);
    const d = new Budget({ maxTurns: 5, maxTokens: 1e9, deadline: 100 }, 'm', undefined, () => now);
    now = 100;
    expect(d.exhausted()).toMatch(/time budget/);
  });

  it('prices known OpenAI models from the maintained price list and stops at the cost cap', () => {
    expect(isPriceKnown('gpt-5-mini')).toBe(true);
    expect(isPriceKnown('scripted-demo')).toBe(false);
    // A gateway or local server serving a known model costs what the model costs.
    expect(isPriceKnown('gpt-5-mini', 'http://127.0.0.1:9/v1')).toBe(true);
    expect(isPriceKnown('scripted-demo', 'http://127.0.0.1:9/v1')).toBe(false);
    const million = priceOf('gpt-5-mini', 1_000_000, 0)!;
    expect(million).toBeGreaterThan(0);
    const b = new Budget({ maxTurns: 100, maxTokens: 1e12, maxCostUsd: million / 2, deadline: Infinity }, 'gpt-5-mini');
    b.add(400_000, 0);
    expect(b.exhausted()).toBeUndefined();
    b.add(200_000, 0);
    expect(b.exhausted()).toMatch(/cost budget/);
    expect(b.costUsd).toBeCloseTo(million * 0.6, 6);
  });
});
