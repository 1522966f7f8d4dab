// The conversation the agent loop works on, in neither protocol's shape: each adapter translates it for its API.

/** A tool the model may call: a JSON-schema function; `builtin` names the API's own tool that may stand in for it. */
export interface ToolDef {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
  builtin?: 'apply_patch' | 'shell';
}

/**
 * One tool call. `native` marks a call of the API's built-in tool: its arguments are then the call's own
 * payload as JSON (an apply_patch operation, a shell action) instead of the function's arguments.
 */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
  native?: boolean;
}

/** Reasoning the API gave back encrypted: opaque here, sent back whole and in order on the next turns. */
export interface Reasoning {
  id: string;
  encrypted: string;
  summary: string[];
}

export type ReplyPart = { kind: 'text'; text: string } | { kind: 'reasoning'; reasoning: Reasoning } | { kind: 'call'; call: ToolCall };

/** What one shell command printed and how it ended, for the shell tool's structured output. */
export interface ShellCommandResult {
  stdout: string;
  stderr: string;
  outcome: { type: 'exit'; exitCode: number } | { type: 'timeout' };
}

export type Item =
  | { role: 'system'; text: string }
  | { role: 'user'; text: string }
  /** One model turn, its parts in the order the model gave them, and what it cost (for the transcript). */
  | { role: 'model'; parts: ReplyPart[]; usage?: Usage }
  /** The answer to one call; `failed` also sets the built-in apply_patch output's status. */
  | { role: 'tool'; callId: string; name: string; text: string; failed: boolean; shell?: ShellCommandResult[] };

export type ToolItem = Extract<Item, { role: 'tool' }>;
export type ModelItem = Extract<Item, { role: 'model' }>;

/** Tokens one request used; `cachedInput` and `reasoning` are parts of `input` and `output`. */
export interface Usage {
  input: number;
  cachedInput: number;
  output: number;
  reasoning: number;
}

export interface ModelReply {
  parts: ReplyPart[];
  usage: Usage;
}

export const noUsage = (): Usage => ({ input: 0, cachedInput: 0, output: 0, reasoning: 0 });

export function replyText(parts: readonly ReplyPart[]): string {
  return parts.flatMap((p) => (p.kind === 'text' ? [p.text] : [])).join('\n');
}

export function replyCalls(parts: readonly ReplyPart[]): ToolCall[] {
  return parts.flatMap((p) => (p.kind === 'call' ? [p.call] : []));
}
