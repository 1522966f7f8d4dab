// Reading what a client sent to the scripted model: the messages, the tools offered, the last tool result.
import { z } from 'zod';
import type { RecordedHttpRequest } from './http.js';

export type RecordedRequest = RecordedHttpRequest;

const contentSchema = z.union([
  z.string(),
  z.null(),
  z.array(z.looseObject({ type: z.string(), text: z.string().optional() })),
]);

const messageSchema = z.looseObject({
  role: z.string(),
  content: contentSchema.optional(),
  tool_call_id: z.string().optional(),
  tool_calls: z
    .array(
      z.looseObject({
        id: z.string(),
        type: z.string().optional(),
        function: z.looseObject({ name: z.string(), arguments: z.string() }),
      }),
    )
    .optional(),
});

const chatBodySchema = z.looseObject({
  model: z.string(),
  messages: z.array(messageSchema),
  tools: z
    .array(z.looseObject({ type: z.string(), function: z.looseObject({ name: z.string() }) }))
    .optional(),
});

export type ChatMessage = z.infer<typeof messageSchema>;
export type ChatBody = z.infer<typeof chatBodySchema>;

/** The request body as a chat completion request; throws with the zod issues when it is not one. */
export function chatBody(req: RecordedRequest): ChatBody {
  return chatBodySchema.parse(req.json);
}

/** A message's text, whether sent as a string or as content parts. */
export function messageText(message: ChatMessage): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content.map((part) => part.text ?? '').join('');
}

export function messages(req: RecordedRequest): ChatMessage[] {
  return chatBody(req).messages;
}

/** The names of the tools the client offered. */
export function toolNames(req: RecordedRequest): string[] {
  return (chatBody(req).tools ?? []).map((tool) => tool.function.name);
}

/** Every tool result in the request, oldest first, with the name of the call it answers. */
export function toolResults(req: RecordedRequest): { callId: string; name?: string; content: string }[] {
  const all = messages(req);
  const names = new Map<string, string>();
  for (const message of all) {
    for (const call of message.tool_calls ?? []) names.set(call.id, call.function.name);
  }
  return all
    .filter((message) => message.role === 'tool')
    .map((message) => {
      const callId = message.tool_call_id ?? '';
      const name = names.get(callId);
      return { callId, ...(name === undefined ? {} : { name }), content: messageText(message) };
    });
}

/** The text of the newest tool result, or undefined when the request carries none. */
export function lastToolResult(req: RecordedRequest): string | undefined {
  return toolResults(req).at(-1)?.content;
}

/** All text the client sent in messages, joined, for grepping (e.g. for a leaked secret). */
export function allText(req: RecordedRequest): string {
  return messages(req)
    .map((message) => `${messageText(message)}\n${(message.tool_calls ?? []).map((c) => c.function.arguments).join('\n')}`)
    .join('\n');
}
