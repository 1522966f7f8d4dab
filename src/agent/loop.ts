// The agent loop: model turns with tool calls until the model stops, then the tests decide; budgets hold exactly.
import type { Budget } from './budget.js';
import { compose } from './history.js';
import { ModelContextError, type ChatMessage, type ModelClient } from './model.js';
import { callTool, toolSpecs, type ToolHost } from './tools.js';

export type Verdict = { ok: true } | { ok: false; feedback: string };

export interface LoopOptions {
  model: ModelClient;
  host: ToolHost;
  budget: Budget;
  system: string;
  firstMessage: string;
  redact: (text: string) => string;
  /** Runs the tests that decide green; called when the model answers without a tool call. */
  verify(): Promise<Verdict>;
  log(line: string): void;
  maxRequestBytes?: number;
}

export interface LoopResult {
  verified: boolean;
  /** Why the loop ended. */
  reason: string;
  transcript: ChatMessage[];
  /** The model's last words, for the commit message. */
  finalMessage: string;
}

const KEEP_TOOL_RESULTS = 6;
const SAME_TURN_LIMIT = 4;
const BAD_TURN_LIMIT = 3;
const CONTEXT_RETRIES = 4;

export async function runLoop(o: LoopOptions): Promise<LoopResult> {
  const history: ChatMessage[] = [
    { role: 'system', content: o.redact(o.system) },
    { role: 'user', content: o.redact(o.firstMessage) },
  ];
  const toolBytes = Buffer.byteLength(JSON.stringify(toolSpecs));
  let requestBytes = o.maxRequestBytes ?? 256 * 1024;
  let contextRetries = 0;
  let badTurns = 0;
  let unverifiedEdits = false;
  const turnSignatures: string[] = [];
  let reason: string | undefined;

  const check = async (): Promise<boolean> => {
    unverifiedEdits = false;
    const verdict = await o.verify();
    if (verdict.ok) return true;
    history.push({ role: 'user', content: o.redact(verdict.feedback) });
    return false;
  };

  while (!(reason = o.budget.exhausted())) {
    const messages = compose(history, { keepToolResults: KEEP_TOOL_RESULTS, maxBytes: requestBytes - 2048, fixedBytes: toolBytes });
    let reply;
    try {
      reply = await o.model.complete(messages, toolSpecs);
    } catch (e) {
      if (!(e instanceof ModelContextError) || ++contextRetries > CONTEXT_RETRIES) throw e;
      requestBytes = Math.max(16 * 1024, Math.floor(requestBytes / 2));
      o.log(`model: context too long; shrinking the request to ${Math.round(requestBytes / 1024)} KiB`);
      continue;
    }
    o.budget.add(reply.promptTokens, reply.completionTokens);
    const turn = o.budget.turns;
    history.push({
      role: 'assistant',
      content: reply.content,
      ...(reply.toolCalls.length
        ? { tool_calls: reply.toolCalls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })) }
        : {}),
    });

    if (reply.toolCalls.length === 0) {
      o.log(`turn ${turn}: the model is done${reply.content ? `: ${oneLine(reply.content)}` : ''}; verifying`);
      if (await check()) return { verified: true, reason: 'the full test command passed after the edits', transcript: history, finalMessage: lastWords(history) };
      continue;
    }

    let failed = 0;
    const signature: string[] = [];
    for (const call of reply.toolCalls) {
      const outcome = await callTool(o.host, call.name, call.arguments);
      const args = describeArgs(call.arguments);
      o.log(`turn ${turn}: ${call.name}${args ? ` ${args}` : ''} → ${outcome.failed ? oneLine(outcome.result) : 'ok'}`);
      history.push({ role: 'tool', tool_call_id: call.id, content: o.redact(outcome.result) });
      if (outcome.failed) failed++;
      if (outcome.edited) unverifiedEdits = true;
      signature.push(`${call.name}\u0000${call.arguments}\u0000${outcome.result}`);
    }
    badTurns = failed === reply.toolCalls.length ? badTurns + 1 : 0;
    if (badTurns >= BAD_TURN_LIMIT) {
      reason = `every tool call failed in ${BAD_TURN_LIMIT} turns in a row`;
      break;
    }
    turnSignatures.push(signature.join('\u0001'));
    const recent = turnSignatures.slice(-SAME_TURN_LIMIT);
    if (recent.length === SAME_TURN_LIMIT && recent.every((s) => s === recent[0])) {
      reason = `the model repeated the same action ${SAME_TURN_LIMIT} times with the same result`;
      break;
    }
  }
  // Edits the model made but never handed over still get one check: it costs a test run, not a model turn.
  if (unverifiedEdits && !reason.startsWith('the time budget')) {
    o.log(`stopped: ${reason}; verifying the last edits once`);
    if (await check()) return { verified: true, reason: `the full test command passed after the edits (${reason})`, transcript: history, finalMessage: lastWords(history) };
  }
  return { verified: false, reason, transcript: history, finalMessage: lastWords(history) };
}

function lastWords(history: ChatMessage[]): string {
  const m = history.findLast((h) => h.role === 'assistant' && typeof h.content === 'string' && h.content.trim() !== '');
  return typeof m?.content === 'string' ? m.content : '';
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

function describeArgs(raw: string): string {
  try {
    const a = JSON.parse(raw) as Record<string, unknown>;
    const parts = ['path', 'scope', 'pattern', 'start_line'].filter((k) => a[k] !== undefined).map((k) => `${k}=${String(a[k])}`);
    return parts.join(' ');
  } catch {
    return '(unparseable arguments)';
  }
}
