import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Budget } from '../../../src/agent/budget.js';
import { runLoop, type Verdict } from '../../../src/agent/loop.js';
import type { Item, ReplyPart, ToolCall, ToolItem } from '../../../src/agent/conversation.js';
import { ModelContextError, type ModelClient } from '../../../src/agent/model.js';
import { Workspace } from '../../../src/agent/workspace.js';

type Step = { content?: string; toolCalls?: ToolCall[] } | Error;

/** A model of our own: replies from a list, and records what it was sent. */
function fakeModel(steps: Step[]): ModelClient & { requests: Item[][] } {
  const requests: Item[][] = [];
  let i = 0;
  return {
    model: 'fake',
    requests,
    async complete(conversation) {
      requests.push([...conversation]);
      const s = steps[i++] ?? { content: 'done' };
      if (s instanceof Error) throw s;
      const parts: ReplyPart[] = [
        ...(s.content ? [{ kind: 'text' as const, text: s.content }] : []),
        ...(s.toolCalls ?? []).map((call) => ({ kind: 'call' as const, call })),
      ];
      return { parts, usage: { input: 10, cachedInput: 0, output: 5, reasoning: 0 } };
    },
  };
}

const call = (name: string, args: unknown, id = `${name}-${Math.random()}`): ToolCall => ({
  id,
  name,
  arguments: typeof args === 'string' ? args : JSON.stringify(args),
});

const toolTexts = (items: Item[]) => items.filter((m): m is ToolItem => m.role === 'tool').map((m) => m.text);
const userTexts = (items: Item[]) => items.flatMap((m) => (m.role === 'user' ? [m.text] : []));

async function setup(steps: Step[], verdicts: Verdict[], maxTurns = 10, runTests: () => Promise<string> = async () => 'tests: 1 failed (SECRET)') {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rg-loop-'));
  await writeFile(path.join(dir, 'a.js'), 'export const x = 1;\n');
  await mkdir(path.join(dir, 'src'));
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
    host: { workspace, listFiles: async () => ['a.js'], runTests },
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
        { toolCalls: [call('edit_file', { path: 'a.js', old_string: 'x = 2', new_string: 'x = 3' })] },
        { content: 'done now' },
      ],
      [{ ok: false, feedback: 'Not green yet: 1 failed' }, { ok: true }],
    );
    expect(result.verified).toBe(true);
    expect(verifications()).toBe(2);
    expect(model.requests).toHaveLength(5);
    const third = model.requests[2]!;
    expect(userTexts(third).some((t) => t.includes('Not green yet'))).toBe(true);
    // Tool results are redacted before they enter the history.
    const last = model.requests[4]!;
    expect(JSON.stringify(last)).toContain('tests: 1 failed (***)');
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

  it('answers malformed, unknown and broken tool calls with errors and goes on: the budgets decide, not a count of failures', async () => {
    const { result, model } = await setup(
      [
        { toolCalls: [call('read_file', '{"path": ')] },
        { toolCalls: [call('rm_rf', { path: '/' })] },
        { toolCalls: [call('read_file', { path: '/etc/passwd' })] },
        // A folder where a file is expected: the filesystem error is the model's to read.
        { toolCalls: [call('write_file', { path: 'src', content: 'x' })] },
        { toolCalls: [call('write_file', { path: 'a.js', content: 'export const x = 2;\n' })] },
        { content: 'fixed' },
      ],
      [{ ok: true }],
    );
    expect(model.requests).toHaveLength(6);
    expect(result.verified).toBe(true);
    const tools = toolTexts(result.transcript);
    expect(tools[0]).toMatch(/not valid JSON/);
    expect(tools[1]).toMatch(/Unknown tool 'rm_rf'/);
    expect(tools[2]).toMatch(/absolute path/);
    expect(tools[3]).toMatch(/^Error: .*('src' is a folder|EISDIR)/);
    expect(result.transcript.filter((m) => m.role === 'tool' && m.failed)).toHaveLength(4);
  });

  it('turns an unexpected failure inside a tool into its result', async () => {
    const broken = async (): Promise<string> => {
      throw new Error('ENOSPC: no space left on device');
    };
    const { result, model } = await setup([{ toolCalls: [call('run_tests', {})] }, { content: 'done' }], [], 2, broken);
    expect(model.requests).toHaveLength(2);
    expect(toolTexts(result.transcript)).toEqual(['Error: run_tests failed: ENOSPC: no space left on device']);
  });

  it('does not verify an unchanged tree again: the model is told nothing changed and the tests are still red', async () => {
    const steps = Array.from({ length: 6 }, () => ({ content: 'done' }));
    const { result, model, verifications, lines } = await setup(steps, [], 6);
    expect(verifications()).toBe(1);
    expect(model.requests).toHaveLength(6);
    expect(result.verified).toBe(false);
    expect(result.reason).toMatch(/turn budget/);
    const last = userTexts(model.requests[5]!);
    expect(last.filter((t) => t.startsWith('Nothing has changed since the last verification'))).toHaveLength(4);
    expect(lines.filter((l) => l.includes('not verifying again'))).toHaveLength(5);
  });

  it('verifies again once an edit changed the tree after a red verification', async () => {
    const { verifications } = await setup(
      [{ content: 'done' }, { toolCalls: [call('write_file', { path: 'a.js', content: 'export const x = 3;\n' })] }, { content: 'done' }, { content: 'done' }],
      [],
      4,
    );
    expect(verifications()).toBe(2);
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
