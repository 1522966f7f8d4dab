import { describe, expect, it } from 'vitest';
import { Budget, isPriceKnown, priceOf } from '../../../src/agent/budget.js';

const use = (input: number, output: number, cachedInput = 0) => ({ input, cachedInput, output, reasoning: 0 });

describe('Budget', () => {
  it('says which limit ran out first', () => {
    let now = 0;
    const b = new Budget({ maxTurns: 3, maxTokens: 1000, deadline: 100 }, 'unknown-model', undefined, () => now);
    expect(b.exhausted()).toBeUndefined();
    b.add(use(400, 100));
    b.add(use(400, 200));
    expect(b.exhausted()).toMatch(/token budget.*1100 of 1000/);
    const t = new Budget({ maxTurns: 1, maxTokens: 1e9, deadline: 100 }, 'm', undefined, () => now);
    t.add(use(1, 1));
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
    const million = priceOf('gpt-5-mini', use(1_000_000, 0))!;
    expect(million).toBeGreaterThan(0);
    const b = new Budget({ maxTurns: 100, maxTokens: 1e12, maxCostUsd: million / 2, deadline: Infinity }, 'gpt-5-mini');
    b.add(use(400_000, 0));
    expect(b.exhausted()).toBeUndefined();
    b.add(use(200_000, 0));
    expect(b.exhausted()).toMatch(/cost budget/);
    expect(b.costUsd).toBeCloseTo(million * 0.6, 6);
  });

  it('prices cached input at its own rate, so the cap holds on the real cost', () => {
    // gpt-5.3-codex per million tokens: 1.75 input, 0.175 cached input, 14 output (the price package's list).
    const fresh = priceOf('gpt-5.3-codex', use(1_000_000, 0))!;
    const cached = priceOf('gpt-5.3-codex', use(1_000_000, 0, 900_000))!;
    expect(fresh).toBeCloseTo(1.75, 6);
    expect(cached).toBeCloseTo(0.1 * 1.75 + 0.9 * 0.175, 6);
    const b = new Budget({ maxTurns: 100, maxTokens: 1e12, maxCostUsd: 0.5, deadline: Infinity }, 'gpt-5.3-codex');
    // 1.2M input tokens would cost $2.10 uncached; nearly all cached, they cost $0.40: under the cap.
    b.add(use(1_200_000, 0, 1_100_000));
    expect(b.exhausted()).toBeUndefined();
    expect(b.costUsd).toBeCloseTo(0.1 * 1.75 + 1.1 * 0.175, 6);
    expect(b.usage.cachedInput).toBe(1_100_000);
    b.add(use(0, 10_000));
    expect(b.exhausted()).toMatch(/cost budget/);
  });
});
