// The agent loop: model turns with tool calls until the model stops, then the tests decide; budgets hold exactly.
import type { Budget } from './budget.js';
import { replyCalls, replyText, type Item } from './conversation.js';
import { compose } from './history.js';
import { ModelContextError, type ModelClient } from './model.js';
import { callTool, toolsFor, type ToolHost } from './tools.js';

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
  transcript: Item[];
  /** The model's last words, for the commit message. */
  finalMessage: string;
}

const KEEP_TOOL_RESULTS = 6;
const SAME_TURN_LIMIT = 4;
const CONTEXT_RETRIES = 4;

export async function runLoop(o: LoopOptions): Promise<LoopResult> {
  const history: Item[] = [
    { role: 'system', text: o.redact(o.system) },
    { role: 'user', text: o.redact(o.firstMessage) },
  ];
  const tools = toolsFor(o.host);
  const toolBytes = Buffer.byteLength(JSON.stringify(tools));
  let requestBytes = o.maxRequestBytes ?? 256 * 1024;
  let contextRetries = 0;
  // Edits so far, and how many there were at the last red verification: an unchanged tree is not verified again.
  let edits = 0;
  let verifiedAt: number | undefined;
  const turnSignatures: string[] = [];
  let reason: string | undefined;
  const done = (verified: boolean, why: string): LoopResult => ({ verified, reason: why, transcript: history, finalMessage: lastWords(history) });

  const check = async (): Promise<boolean> => {
    verifiedAt = edits;
    const verdict = await o.verify();
    if (verdict.ok) return true;
    history.push({ role: 'user', text: o.redact(verdict.feedback) });
    return false;
  };

  while (!(reason = o.budget.exhausted())) {
    const conversation = compose(history, { keepToolResults: KEEP_TOOL_RESULTS, maxBytes: requestBytes - 2048, fixedBytes: toolBytes });
    let reply;
    try {
      reply = await o.model.complete(conversation, tools);
    } catch (e) {
      if (!(e instanceof ModelContextError) || ++contextRetries > CONTEXT_RETRIES) throw e;
      requestBytes = Math.max(16 * 1024, Math.floor(requestBytes / 2));
      o.log(`model: context too long; shrinking the request to ${Math.round(requestBytes / 1024)} KiB`);
      continue;
    }
    o.budget.add(reply.usage);
    const turn = o.budget.turns;
    history.push({ role: 'model', parts: reply.parts, usage: reply.usage });
    const calls = replyCalls(reply.parts);
    const text = replyText(reply.parts);

    if (calls.length === 0) {
      if (verifiedAt === edits) {
        // Nothing changed since the last red verification: running it again would only say the same.
        o.log(`turn ${turn}: the model is done, but nothing changed since the last verification; not verifying again`);
        history.push({
          role: 'user',
          text: 'Nothing has changed since the last verification, so the tests are still red (its result is above). Change the code to fix them.',
        });
        continue;
      }
      o.log(`turn ${turn}: the model is done${text ? `: ${oneLine(text)}` : ''}; verifying`);
      if (await check()) return done(true, 'the full test command passed after the edits');
      continue;
    }

    const signature: string[] = [];
    for (const call of calls) {
      const outcome = await callTool(o.host, call);
      const args = describeArgs(call.arguments);
      o.log(`turn ${turn}: ${call.name}${args ? ` ${args}` : ''} → ${outcome.failed ? oneLine(outcome.result) : 'ok'}`);
      history.push({
        role: 'tool',
        callId: call.id,
        name: call.name,
        text: o.redact(outcome.result),
        failed: outcome.failed,
        ...(outcome.shell ? { shell: outcome.shell.map((r) => ({ ...r, stdout: o.redact(r.stdout), stderr: o.redact(r.stderr) })) } : {}),
      });
      if (outcome.edited) edits++;
      signature.push(`${call.name}\u0000${call.arguments}\u0000${outcome.result}`);
    }
    turnSignatures.push(signature.join('\u0001'));
    const recent = turnSignatures.slice(-SAME_TURN_LIMIT);
    if (recent.length === SAME_TURN_LIMIT && recent.every((s) => s === recent[0])) {
      reason = `the model repeated the same action ${SAME_TURN_LIMIT} times with the same result`;
      break;
    }
  }
  // Edits the model made but never handed over still get one check: it costs a test run, not a model turn.
  if (verifiedAt !== edits && edits > 0 && !reason.startsWith('the time budget')) {
    o.log(`stopped: ${reason}; verifying the last edits once`);
    if (await check()) return done(true, `the full test command passed after the edits (${reason})`);
  }
  return done(false, reason);
}

function lastWords(history: Item[]): string {
  for (const m of [...history].reverse()) {
    if (m.role !== 'model') continue;
    const text = replyText(m.parts).trim();
    if (text) return text;
  }
  return '';
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

function describeArgs(raw: string): string {
  try {
    const a = JSON.parse(raw) as Record<string, unknown>;
    const parts = ['path', 'scope', 'pattern', 'start_line', 'type'].filter((k) => a[k] !== undefined).map((k) => `${k}=${String(a[k])}`);
    // A shell command or a patch says most in its first line.
    const text = [a.command, Array.isArray(a.commands) ? a.commands.join(' && ') : undefined, a.input].find((v) => typeof v === 'string');
    if (typeof text === 'string') parts.push(oneLine(text.split('\n').slice(0, 3).join(' ')).slice(0, 100));
    return parts.join(' ');
  } catch {
    return '(unparseable arguments)';
  }
}
