// A model that plays a fixed script of tool calls: the offline demo's model, no network and no key.
import type { Item, ModelReply, ToolDef } from '../agent/conversation.js';
import type { ModelClient } from '../agent/model.js';

export type ScriptStep = { tool: string; args: Record<string, unknown> } | { answer: string };

export function scriptedModel(steps: ScriptStep[], name = 'scripted-demo'): ModelClient {
  let next = 0;
  return {
    model: name,
    async complete(conversation: readonly Item[], _tools: readonly ToolDef[]): Promise<ModelReply> {
      const step = steps[next++] ?? { answer: 'I have nothing more to try.' };
      // Token counts as a real API would report them, estimated at four bytes a token.
      const input = Math.ceil(Buffer.byteLength(JSON.stringify(conversation)) / 4);
      const usage = (output: number) => ({ input, cachedInput: 0, output, reasoning: 0 });
      if ('answer' in step) return { parts: [{ kind: 'text', text: step.answer }], usage: usage(Math.ceil(step.answer.length / 4)) };
      const args = JSON.stringify(step.args);
      return { parts: [{ kind: 'call', call: { id: `call_${next}`, name: step.tool, arguments: args } }], usage: usage(Math.ceil(args.length / 4)) };
    },
  };
}
