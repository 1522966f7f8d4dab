// The Chat Completions adapter: the neutral conversation as chat messages, and a chat completion back as a reply.
import type OpenAI from 'openai';
import type { Item, ModelReply, ReplyPart, ToolDef } from './conversation.js';
import type { ModelClient } from './model.js';
import { request, type OpenAIClientOptions } from './request.js';

type Message = OpenAI.Chat.Completions.ChatCompletionMessageParam;
type Tool = OpenAI.Chat.Completions.ChatCompletionTool;

/** Reasoning items have no place in a chat message: Chat Completions drops them between turns. */
export function toChatMessages(conversation: readonly Item[]): Message[] {
  return conversation.map((item): Message => {
    switch (item.role) {
      case 'system':
        return { role: 'system', content: item.text };
      case 'user':
        return { role: 'user', content: item.text };
      case 'tool':
        return { role: 'tool', tool_call_id: item.callId, content: item.text };
      case 'model': {
        const text = item.parts.flatMap((p) => (p.kind === 'text' ? [p.text] : [])).join('\n');
        const calls = item.parts.flatMap((p) =>
          p.kind === 'call' ? [{ id: p.call.id, type: 'function' as const, function: { name: p.call.name, arguments: p.call.arguments } }] : [],
        );
        return { role: 'assistant', content: text || null, ...(calls.length ? { tool_calls: calls } : {}) };
      }
    }
  });
}

export function toChatTools(tools: readonly ToolDef[]): Tool[] {
  return tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
}

export function fromChatCompletion(response: OpenAI.Chat.Completions.ChatCompletion): ModelReply {
  const message = response.choices[0]?.message;
  const parts: ReplyPart[] = [];
  if (message?.content) parts.push({ kind: 'text', text: message.content });
  for (const c of message?.tool_calls ?? []) {
    if (c.type === 'function') parts.push({ kind: 'call', call: { id: c.id, name: c.function.name, arguments: c.function.arguments } });
  }
  const u = response.usage;
  return {
    parts,
    usage: {
      input: u?.prompt_tokens ?? 0,
      cachedInput: u?.prompt_tokens_details?.cached_tokens ?? 0,
      output: u?.completion_tokens ?? 0,
      reasoning: u?.completion_tokens_details?.reasoning_tokens ?? 0,
    },
  };
}

export function createChatAdapter(client: OpenAI, opts: OpenAIClientOptions): ModelClient {
  return {
    model: opts.model,
    async complete(conversation, tools) {
      const response = await request(opts, () =>
        client.chat.completions.create({
          model: opts.model,
          messages: toChatMessages(conversation),
          tools: toChatTools(tools),
          tool_choice: 'auto',
          ...(opts.reasoningEffort ? { reasoning_effort: opts.reasoningEffort as OpenAI.ReasoningEffort } : {}),
        }),
      );
      return fromChatCompletion(response);
    },
  };
}
