import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Budget } from '../../../src/agent/budget.js';
import { runLoop, type Verdict } from '../../../src/agent/loop.js';
import { ModelContextError, type ChatMessage, type ModelClient, type ModelReply } from '../../../src/agent/model.js';
import { Workspace } from '../../../src/agent/workspace.js';

type Step = Partial<ModelReply> | Error;

/** A model of our own: replies from a list, and records what it was sent. */
function fakeModel(steps: Step[]): ModelClient & { requests: ChatMessage[][] } {
  const requests: ChatMessage[][] = [];
  let i = 0;
  return {
    model: 'fake',
    requests,
    async complete(messages) {
      requests.push(messages);
      const s = steps[i++] ?? { content: 'done' };
      if (s instanceof Error) throw s;
      return { content: null, toolCalls: [], promptTokens: 10, completionTokens: 5, ...s };
    },
  };
}

const call = (name: string, args: unknown, id = `${name}-${Math.random()}`) => ({
  id,
  name,
  arguments: typeof args === 'string' ? args : JSON.stringify(args),
});

async function setup(steps: Step[], verdicts: Verdict[], maxTurns = 10) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rg-loop-'));
  await writeFile(path.join(dir, 'a.js'), 'export const x = 1;\n');
  const workspace = await Workspace.open(dir, { allowWorkflowEdits: false });
  const model = fakeModel(steps);
  const budget = new Budget({ maxTurns, maxTokens: 1e9, deadline: Date.now() + 60_000 }, 'fake');
  let verifications = 0;
  const lines: string[] = [];
  const result = await runLoop({
    model,
    budget,
    system: 'sys',
    firstMessage: 'first',
    redact: (s) => s.replaceAll('SECRET', '***'),
    verify: async () => verdicts[verifications++] ?? { ok: false, feedback: 'still red' },
    log: (l) => lines.push(l),
    host: { workspace, listFiles: async () => ['a.js'], runTests: async () => 'tests: 1 failed (SECRET)' },
  });
  return { result, model, budget, verifications: () => verifications, lines };
}

describe('runLoop', () => {
  it('verifies when the model stops, feeds a red verification back, and ends green', async () => {
    const { result, model, verifications } = await setup(
      [
        { toolCalls: [call('edit_file', { path: 'a.js', old_string: 'x = 1', new_string: 'x = 2' })] },
        { content: 'done' },
        { toolCalls: [call('run_tests', {})] },
        { content: 'done now' },
      ],
      [{ ok: false, feedback: 'Not green yet: 1 failed' }, { ok: true }],
    );
    expect(result.verified).toBe(true);
    expect(verifications()).toBe(2);
    expect(model.requests).toHaveLength(4);
    const third = model.requests[2]!;
    expect(third.some((m) => m.role === 'user' && String(m.content).includes('Not green yet'))).toBe(true);
    // Tool results are redacted before they enter the history.
    const last = model.requests[3]!;
    expect(JSON.stringify(last)).not.toContain('SECRET');
    expect(result.finalMessage).toBe('done now');
  });

  it('never makes more model requests than max-iterations, then verifies unverified edits once', async () => {
    const edits = Array.from({ length: 20 }, (_, i) => ({ toolCalls: [call('write_file', { path: `f${i}.js`, content: `${i}` })] }));
    const { result, model, budget, verifications } = await setup(edits, [{ ok: false, feedback: 'red' }], 3);
    expect(model.requests).toHaveLength(3);
    expect(budget.turns).toBe(3);
    expect(verifications()).toBe(1);
    expect(result.verified).toBe(false);
    expect(result.reason).toMatch(/turn budget/);
  });

  it('answers malformed and unknown tool calls with errors, and stops after three broken turns', async () => {
    const { result, model } = await setup(
      [
        { toolCalls: [call('read_file', '{"path": ')] },
        { toolCalls: [call('rm_rf', { path: '/' })] },
        { toolCalls: [call('read_file', { path: '/etc/passwd' })] },
        { content: 'never reached' },
      ],
      [],
    );
    expect(model.requests).toHaveLength(3);
    expect(result.reason).toMatch(/failed in 3 turns/);
    const tools = result.transcript.filter((m) => m.role === 'tool').map((m) => String(m.content));
    expect(tools[0]).toMatch(/not valid JSON/);
    expect(tools[1]).toMatch(/Unknown tool 'rm_rf'/);
    expect(tools[2]).toMatch(/absolute path/);
  });

  it('stops a model that repeats the same action with the same result', async () => {
    const same = { toolCalls: [call('read_file', { path: 'a.js' }, 'same')] };
    const { result, model } = await setup(Array(10).fill(same), []);
    expect(model.requests).toHaveLength(4);
    expect(result.reason).toMatch(/repeated the same action 4 times/);
  });

  it('shrinks the request after a context-length error instead of failing', async () => {
    const { result, model, lines } = await setup([new ModelContextError('too long'), { content: 'done' }], [{ ok: true }]);
    expect(result.verified).toBe(true);
    expect(model.requests).toHaveLength(2);
    expect(lines.some((l) => l.includes('shrinking the request'))).toBe(true);
  });
});
