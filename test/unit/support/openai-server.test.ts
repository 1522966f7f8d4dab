// The scripted OpenAI server, driven by the real openai SDK: tool calls, errors the SDK retries, dropped and hung connections.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, AuthenticationError, BadRequestError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { lastToolResult, startOpenAIServer, toolNames, type ModelStep, type OpenAIServer } from '../../support/openai-server.js';

let server: OpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(script: ModelStep[], opts?: Parameters<typeof startOpenAIServer>[1]): Promise<OpenAIServer> {
  server = await startOpenAIServer(script, opts);
  return server;
}

function client(url: string, extra: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}): OpenAI {
  return new OpenAI({ apiKey: 'sk-unit', baseURL: url, ...extra });
}

const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } } } } },
];

describe('startOpenAIServer', () => {
  it('answers tool calls in the shape the SDK parses, including malformed arguments', async () => {
    const s = await start([{ tools: [{ name: 'read_file', args: { path: 'src/a.ts' } }, { name: 'edit_file', args: '{"path": "x' }] }]);
    const reply = await client(s.url).chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: 'fix it' }], tools });

    expect(reply.object).toBe('chat.completion');
    expect(reply.model).toBe('gpt-x');
    const choice = reply.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    const calls = (choice?.message.tool_calls ?? []).map((c) => (c.type === 'function' ? [c.id, c.function.name, c.function.arguments] : []));
    expect(calls).toEqual([
      ['call_1_0', 'read_file', '{"path":"src/a.ts"}'],
      ['call_1_1', 'edit_file', '{"path": "x'],
    ]);
    expect(reply.usage?.prompt_tokens).toBe(Math.ceil((s.requests[0]?.bytes ?? 0) / 4));
    expect(reply.usage?.total_tokens).toBe((reply.usage?.prompt_tokens ?? 0) + (reply.usage?.completion_tokens ?? 0));
  });

  it('records the raw body, its size, parsed JSON and the authorization header', async () => {
    const s = await start([{ content: 'done' }]);
    await client(s.url, { apiKey: 'sk-recorded' }).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hello' }], tools });

    const [req] = s.completions;
    expect(req?.headers['authorization']).toBe('Bearer sk-recorded');
    expect(req?.bytes).toBe(Buffer.byteLength(req?.bodyText ?? ''));
    expect(req?.json).toMatchObject({ model: 'm', messages: [{ role: 'user', content: 'hello' }] });
    expect(req ? toolNames(req) : []).toEqual(['read_file']);
  });

  it('lets a function step answer from the last tool result', async () => {
    const s = await start([
      { tools: [{ name: 'read_file', args: { path: 'a' } }] },
      (req) => ({ content: `saw: ${lastToolResult(req) ?? 'nothing'}` }),
    ]);
    const openai = client(s.url);
    const first = await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'go' }], tools });
    const message = first.choices[0]?.message;
    const callId = message?.tool_calls?.[0]?.id ?? '';
    const second = await openai.chat.completions.create({
      model: 'm',
      tools,
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: null, tool_calls: message?.tool_calls ?? [] },
        { role: 'tool', tool_call_id: callId, content: '1: export const a = 1;' },
      ],
    });
    expect(second.choices[0]?.message.content).toBe('saw: 1: export const a = 1;');
    expect(second.choices[0]?.finish_reason).toBe('stop');
  });

  it('is retried by the SDK after 429 with retry-after, then succeeds', async () => {
    const s = await start([{ status: 429, headers: { 'retry-after': '1' } }, { content: 'after the wait' }]);
    const reply = await client(s.url, { maxRetries: 2 }).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });

    expect(reply.choices[0]?.message.content).toBe('after the wait');
    expect(s.completions.map((r) => r.status)).toEqual([429, 200]);
  });

  it('surfaces a dropped connection as APIConnectionError, and the SDK retries it into success', async () => {
    const s = await start([{ drop: true }, { drop: true }, { content: 'third time' }]);
    const noRetry = client(s.url, { maxRetries: 0 });
    await expect(noRetry.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(APIConnectionError);

    const retrying = client(s.url, { maxRetries: 2 });
    const reply = await retrying.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    expect(reply.choices[0]?.message.content).toBe('third time');
  });

  it('gives 401 and context_length_exceeded in the shapes the SDK turns into typed errors', async () => {
    const s = await start([{ status: 401 }, { status: 400, contextLength: true }]);
    const openai = client(s.url, { maxRetries: 0 });
    const ask = () => openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });

    const auth = await ask().catch((e: unknown) => e);
    expect(auth).toBeInstanceOf(AuthenticationError);
    expect((auth as AuthenticationError).code).toBe('invalid_api_key');
    const tooLong = await ask().catch((e: unknown) => e);
    expect(tooLong).toBeInstanceOf(BadRequestError);
    expect((tooLong as BadRequestError).code).toBe('context_length_exceeded');
  });

  it('refuses a wrong key without spending a step when apiKey is set', async () => {
    const s = await start([{ content: 'for the right key' }], { apiKey: 'sk-right' });
    await expect(client(s.url, { apiKey: 'sk-wrong', maxRetries: 0 }).chat.completions.create({ model: 'm', messages: [] })).rejects.toBeInstanceOf(
      AuthenticationError,
    );
    const ok = await client(s.url, { apiKey: 'sk-right' }).chat.completions.create({ model: 'm', messages: [] });
    expect(ok.choices[0]?.message.content).toBe('for the right key');
  });

  it('hangs until the client gives up, and says it has nothing more once the script is done', async () => {
    const s = await start([{ hang: 60_000 }]);
    const impatient = client(s.url, { maxRetries: 0, timeout: 300 });
    await expect(impatient.chat.completions.create({ model: 'm', messages: [] })).rejects.toBeInstanceOf(APIConnectionTimeoutError);

    const after = await client(s.url).chat.completions.create({ model: 'm', messages: [] });
    expect(after.choices[0]?.message.content).toBe('I have nothing more to do.');
    expect(s.remaining).toBe(0);
  });

  it('serves a gateway page as raw text, lists models, and records unknown routes', async () => {
    const s = await start([{ raw: '<html>502 Bad Gateway</html>', status: 502, contentType: 'text/html' }]);
    const openai = client(s.url, { maxRetries: 0 });
    const bad = await openai.chat.completions.create({ model: 'm', messages: [] }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(OpenAI.APIError);
    expect((bad as InstanceType<typeof OpenAI.APIError>).status).toBe(502);

    const models = await openai.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['gpt-scripted']);
    const res = await fetch(`${s.url}/embeddings`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(s.unhandled.map((r) => `${r.method} ${r.pathname}`)).toEqual(['POST /v1/embeddings']);
    expect(s.errors).toEqual([]);
  });
});
