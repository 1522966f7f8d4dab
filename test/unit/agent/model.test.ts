// Both protocol adapters against the scripted OpenAI server: one conversation, two wire formats, the API's own checks.
import { afterEach, describe, expect, it } from 'vitest';
import type { Item, ToolDef } from '../../../src/agent/conversation.js';
import { createOpenAIClient, resolveApi, supportsBuiltinTools, type ModelClient } from '../../../src/agent/model.js';
import { toolsFor } from '../../../src/agent/tools.js';
import { startOpenAIServer, type ModelStep, type OpenAIServer } from '../../support/openai-server.js';

let server: OpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(script: ModelStep[]): Promise<OpenAIServer> {
  server = await startOpenAIServer(script);
  return server;
}

const client = (s: OpenAIServer, model: string, api: 'chat' | 'responses', reasoningEffort?: string): ModelClient =>
  createOpenAIClient({ apiKey: 'sk-unit', baseUrl: s.url, model, api, reasoningEffort, attempts: 1 });

const tools: ToolDef[] = toolsFor({ shell: { run: async () => ({ results: [], text: '', edited: [] }) } });

describe('resolveApi', () => {
  it('picks Responses for OpenAI itself and every codex model, Chat Completions for any other server', () => {
    expect(resolveApi('auto', 'gpt-5-mini', undefined)).toBe('responses');
    expect(resolveApi('auto', 'gpt-5-mini', 'https://api.openai.com/v1')).toBe('responses');
    expect(resolveApi('auto', 'gpt-5-mini', 'http://127.0.0.1:8080/v1')).toBe('chat');
    expect(resolveApi('auto', 'gpt-5.1-codex', 'http://127.0.0.1:8080/v1')).toBe('responses');
    expect(resolveApi('chat', 'gpt-5.1-codex', undefined)).toBe('chat');
    expect(resolveApi('responses', 'qwen3', 'http://127.0.0.1:8080/v1')).toBe('responses');
  });

  it('offers the built-in tools to GPT-5.1 and later only', () => {
    expect(['gpt-5.1', 'gpt-5.1-codex', 'gpt-5.1-codex-mini', 'gpt-5.3-codex', 'gpt-5.4'].every(supportsBuiltinTools)).toBe(true);
    expect(['gpt-5', 'gpt-5-mini', 'gpt-5-codex', 'gpt-4.1', 'qwen3-coder'].some(supportsBuiltinTools)).toBe(false);
  });
});

describe('the Responses adapter', () => {
  it('is stateless: store false, encrypted reasoning asked for and sent back in order, built-in calls answered', async () => {
    const s = await start([
      { tools: [{ name: 'shell', native: 'shell', args: { commands: ['ls'] } }] },
      { tools: [{ name: 'apply_patch', native: 'apply_patch', args: { type: 'update_file', path: 'a.js', diff: '@@\n-a\n+b' } }] },
      { content: 'done' },
    ]);
    const model = client(s, 'gpt-5.1-codex', 'responses', 'low');
    const history: Item[] = [
      { role: 'system', text: 'rules' },
      { role: 'user', text: 'fix it' },
    ];
    const first = await model.complete(history, tools);
    expect(first.parts.map((p) => p.kind)).toEqual(['reasoning', 'call']);
    expect(first.usage.reasoning).toBe(64);
    const shellCall = first.parts[1]!;
    if (shellCall.kind !== 'call') throw new Error('shape');
    expect(shellCall.call).toMatchObject({ name: 'shell', native: true });
    history.push({ role: 'model', parts: first.parts });
    history.push({
      role: 'tool',
      callId: shellCall.call.id,
      name: 'shell',
      text: 'a.js',
      failed: false,
      shell: [{ stdout: 'a.js\n', stderr: '', outcome: { type: 'exit', exitCode: 0 } }],
    });
    const second = await model.complete(history, tools);
    const patchCall = second.parts.find((p) => p.kind === 'call');
    if (patchCall?.kind !== 'call') throw new Error('shape');
    history.push({ role: 'model', parts: second.parts });
    history.push({ role: 'tool', callId: patchCall.call.id, name: 'apply_patch', text: 'hunk 1 of 1 did not match a.js', failed: true });
    const third = await model.complete(history, tools);
    expect(third.parts.filter((p) => p.kind === 'text')).toEqual([{ kind: 'text', text: 'done' }]);

    expect(s.refusals).toEqual([]);
    expect(s.responses).toHaveLength(3);
    for (const req of s.responses) {
      expect(req.json).toMatchObject({ store: false, include: ['reasoning.encrypted_content'], instructions: 'rules', reasoning: { effort: 'low' } });
      expect(req.json).not.toHaveProperty('previous_response_id');
    }
    const offered = (s.responses[0]!.json as { tools: Array<{ type: string; name?: string }> }).tools;
    expect(offered.filter((t) => t.type !== 'function')).toEqual([{ type: 'apply_patch' }, { type: 'shell' }]);
    expect(offered.filter((t) => t.type === 'function').map((t) => t.name)).toEqual(['read_file', 'write_file', 'edit_file', 'run_tests', 'list_files', 'search']);
    // The third request carries both earlier reasoning items, in order, each before its call.
    const types = (s.responses[2]!.json as { input: Array<{ type?: string; role?: string }> }).input.map((i) => i.type ?? i.role);
    expect(types).toEqual(['user', 'reasoning', 'shell_call', 'shell_call_output', 'reasoning', 'apply_patch_call', 'apply_patch_call_output']);
    expect(s.toolOutputs).toEqual([
      { type: 'shell_call_output', call_id: shellCall.call.id, output: [{ stdout: 'a.js\n', stderr: '', outcome: { type: 'exit', exit_code: 0 } }] },
      { type: 'apply_patch_call_output', call_id: patchCall.call.id, status: 'failed', output: 'hunk 1 of 1 did not match a.js' },
    ]);
  });

  it('gives other models the same two tools as functions', async () => {
    const s = await start([{ content: 'ok' }]);
    await client(s, 'gpt-5-mini', 'responses').complete([{ role: 'user', text: 'hi' }], tools);
    const offered = (s.responses[0]!.json as { tools: Array<{ type: string; name?: string }> }).tools;
    expect(offered.every((t) => t.type === 'function')).toBe(true);
    expect(offered.map((t) => t.name)).toContain('apply_patch');
    expect(offered.map((t) => t.name)).toContain('shell');
  });

  it('is refused by the server when a reasoning item is not sent back', async () => {
    const s = await start([{ tools: [{ name: 'read_file', args: { path: 'a.js' } }] }, { content: 'done' }]);
    const model = client(s, 'gpt-5.1-codex', 'responses');
    const first = await model.complete([{ role: 'user', text: 'go' }], tools);
    const call = first.parts.find((p) => p.kind === 'call');
    if (call?.kind !== 'call') throw new Error('shape');
    // A client that drops reasoning (as Chat Completions would) is refused, as OpenAI refuses it.
    const history: Item[] = [
      { role: 'user', text: 'go' },
      { role: 'model', parts: [call] },
      { role: 'tool', callId: call.call.id, name: 'read_file', text: 'x', failed: false },
    ];
    await expect(model.complete(history, tools)).rejects.toThrow(/must be sent back in order/);
    expect(s.refusals).toHaveLength(1);
  });
});

describe('the Chat Completions adapter', () => {
  it('sends messages and function tools, and reads cached and reasoning tokens', async () => {
    const s = await start([{ tools: [{ name: 'read_file', args: { path: 'a.js' } }], content: 'looking' }]);
    const reply = await client(s, 'gpt-5-mini', 'chat').complete([{ role: 'system', text: 'rules' }, { role: 'user', text: 'fix' }], tools);
    expect(reply.parts).toEqual([
      { kind: 'text', text: 'looking' },
      { kind: 'call', call: { id: 'call_1_0', name: 'read_file', arguments: '{"path":"a.js"}' } },
    ]);
    expect(s.completions[0]!.json).toMatchObject({ messages: [{ role: 'system', content: 'rules' }, { role: 'user', content: 'fix' }] });
  });

  it("ends with an error that says to set api: responses when the model is served only there", async () => {
    const s = await start([{ content: 'never' }]);
    await expect(client(s, 'gpt-5.1-codex', 'chat').complete([{ role: 'user', text: 'hi' }], tools)).rejects.toThrow(
      /served only on the Responses API.*set `api: responses`/,
    );
    expect(s.completions[0]!.status).toBe(400);
  });
});
