import { describe, expect, it } from 'vitest';
import type { Item } from '../../../src/agent/conversation.js';
import { compose } from '../../../src/agent/history.js';

function conversation(turns: number, resultSize: number, reasoningSize = 0): Item[] {
  const h: Item[] = [
    { role: 'system', text: 'rules' },
    { role: 'user', text: 'the failure' },
  ];
  for (let i = 0; i < turns; i++) {
    h.push({
      role: 'model',
      parts: [
        ...(reasoningSize ? [{ kind: 'reasoning' as const, reasoning: { id: `rs${i}`, encrypted: 'e'.repeat(reasoningSize), summary: [] } }] : []),
        { kind: 'call', call: { id: `c${i}`, name: 'read_file', arguments: '{"path":"a.js"}' } },
      ],
    });
    h.push({ role: 'tool', callId: `c${i}`, name: 'read_file', text: `result ${i} ${'x'.repeat(resultSize)}`, failed: false });
  }
  return h;
}

const bytes = (m: Item[]): number => m.reduce((n, x) => n + Buffer.byteLength(JSON.stringify(x)), 0);
const tools = (m: Item[]) => m.flatMap((x) => (x.role === 'tool' ? [x] : []));

describe('compose', () => {
  it('hides all but the newest tool results', () => {
    const out = compose(conversation(10, 1000), { keepToolResults: 3, maxBytes: 1_000_000, fixedBytes: 0 });
    const texts = tools(out).map((m) => m.text);
    expect(texts.slice(0, 7).every((t) => t.includes('hidden'))).toBe(true);
    expect(texts.slice(7).every((t) => t.startsWith('result'))).toBe(true);
  });

  it('stays within the byte budget even when one message is huge', () => {
    const h = conversation(2, 10);
    h.push({ role: 'user', text: 'y'.repeat(2_000_000) });
    const out = compose(h, { keepToolResults: 6, maxBytes: 256 * 1024, fixedBytes: 4000 });
    expect(bytes(out) + 4000).toBeLessThanOrEqual(256 * 1024);
    const last = out.at(-1)!;
    expect(last.role === 'user' && last.text).toMatch(/characters elided/);
    expect(out).toHaveLength(h.length);
  });

  it('slims large arguments of old tool calls but keeps them valid JSON', () => {
    const h = conversation(1, 10);
    h.splice(
      2,
      0,
      { role: 'model', parts: [{ kind: 'call', call: { id: 'w', name: 'write_file', arguments: JSON.stringify({ path: 'a.js', content: 'z'.repeat(5000) }) } }] },
      { role: 'tool', callId: 'w', name: 'write_file', text: 'wrote a.js', failed: false },
    );
    const out = compose(h, { keepToolResults: 6, maxBytes: 1_000_000, fixedBytes: 0 });
    const call = out[2];
    if (call?.role !== 'model' || call.parts[0]?.kind !== 'call') throw new Error('shape');
    const args = JSON.parse(call.parts[0].call.arguments) as { path: string; content: string };
    expect(args.path).toBe('a.js');
    expect(args.content).toMatch(/5000 characters hidden/);
  });

  it('drops the oldest turns whole when reasoning fills the budget: no call without its output, reasoning never cut', () => {
    const h = conversation(20, 100, 20_000);
    const out = compose(h, { keepToolResults: 6, maxBytes: 100_000, fixedBytes: 1000 });
    expect(bytes(out) + 1000).toBeLessThanOrEqual(100_000);
    expect(out.slice(0, 2)).toEqual(h.slice(0, 2));
    expect(out[2]).toEqual({ role: 'user', text: expect.stringMatching(/^\[\d+ earlier turns were left out/) });
    const calls = out.flatMap((m) => (m.role === 'model' ? m.parts.flatMap((p) => (p.kind === 'call' ? [p.call.id] : [])) : []));
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.length).toBeLessThan(20);
    expect(tools(out).map((t) => t.callId)).toEqual(calls);
    // The newest turn is always there, and every reasoning item that is sent is sent whole.
    expect(calls.at(-1)).toBe('c19');
    for (const m of out) {
      if (m.role === 'model') for (const p of m.parts) if (p.kind === 'reasoning') expect(p.reasoning.encrypted).toHaveLength(20_000);
    }
  });
});
