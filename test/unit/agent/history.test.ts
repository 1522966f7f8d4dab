import { describe, expect, it } from 'vitest';
import { compose } from '../../../src/agent/history.js';
import type { ChatMessage } from '../../../src/agent/model.js';

function conversation(turns: number, resultSize: number): ChatMessage[] {
  const h: ChatMessage[] = [
    { role: 'system', content: 'rules' },
    { role: 'user', content: 'the failure' },
  ];
  for (let i = 0; i < turns; i++) {
    h.push({ role: 'assistant', content: null, tool_calls: [{ id: `c${i}`, type: 'function', function: { name: 'read_file', arguments: '{"path":"a.js"}' } }] });
    h.push({ role: 'tool', tool_call_id: `c${i}`, content: `result ${i} ${'x'.repeat(resultSize)}` });
  }
  return h;
}

const bytes = (m: ChatMessage[]): number => Buffer.byteLength(JSON.stringify(m));

describe('compose', () => {
  it('hides all but the newest tool results', () => {
    const out = compose(conversation(10, 1000), { keepToolResults: 3, maxBytes: 1_000_000, fixedBytes: 0 });
    const tools = out.filter((m) => m.role === 'tool').map((m) => String(m.content));
    expect(tools.slice(0, 7).every((t) => t.includes('hidden'))).toBe(true);
    expect(tools.slice(7).every((t) => t.startsWith('result'))).toBe(true);
  });

  it('stays within the byte budget even when one message is huge', () => {
    const h = conversation(2, 10);
    h.push({ role: 'user', content: 'y'.repeat(2_000_000) });
    const out = compose(h, { keepToolResults: 6, maxBytes: 256 * 1024, fixedBytes: 4000 });
    expect(bytes(out) + 4000).toBeLessThanOrEqual(256 * 1024);
    expect(String(out.at(-1)!.content)).toMatch(/characters elided/);
    expect(out).toHaveLength(h.length);
  });

  it('slims large arguments of old tool calls but keeps them valid JSON', () => {
    const h = conversation(1, 10);
    h.splice(2, 0, { role: 'assistant', content: null, tool_calls: [{ id: 'w', type: 'function', function: { name: 'write_file', arguments: JSON.stringify({ path: 'a.js', content: 'z'.repeat(5000) }) } }] }, { role: 'tool', tool_call_id: 'w', content: 'wrote a.js' });
    const out = compose(h, { keepToolResults: 6, maxBytes: 1_000_000, fixedBytes: 0 });
    const call = out[2];
    if (call?.role !== 'assistant' || !call.tool_calls?.[0] || call.tool_calls[0].type !== 'function') throw new Error('shape');
    const args = JSON.parse(call.tool_calls[0].function.arguments) as { path: string; content: string };
    expect(args.path).toBe('a.js');
    expect(args.content).toMatch(/5000 characters hidden/);
  });
});
