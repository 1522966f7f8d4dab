// A model that plays a fixed script of tool calls: the offline demo's model, no network and no key.
import type { ChatMessage, ModelClient, ModelReply, ToolSpec } from '../agent/model.js';

export type ScriptStep = { tool: string; args: Record<string, unknown> } | { answer: string };

export function scriptedModel(steps: ScriptStep[], name = 'scripted-demo'): ModelClient {
  let next = 0;
  return {
    model: name,
    async complete(messages: ChatMessage[], _tools: ToolSpec[]): Promise<ModelReply> {
      const step = steps[next++] ?? { answer: 'I have nothing more to try.' };
      // Token counts as a real API would report them, estimated at four bytes a token.
      const promptTokens = Math.ceil(Buffer.byteLength(JSON.stringify(messages)) / 4);
      if ('answer' in step) return { content: step.answer, toolCalls: [], promptTokens, completionTokens: Math.ceil(step.answer.length / 4) };
      const args = JSON.stringify(step.args);
      return {
        content: null,
        toolCalls: [{ id: `call_${next}`, name: step.tool, arguments: args }],
        promptTokens,
        completionTokens: Math.ceil(args.length / 4),
      };
    },
  };
}
