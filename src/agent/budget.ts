// Hard budgets for one run: model turns, tokens, cost and wall-clock time, and the price of what was spent.
import { calcPrice } from '@pydantic/genai-prices';
import { noUsage, type Usage } from './conversation.js';

export interface Limits {
  maxTurns: number;
  maxTokens: number;
  maxCostUsd?: number;
  /** Absolute time (ms since epoch) after which no new model turn starts. */
  deadline: number;
}

/**
 * USD for the given tokens, or undefined when the model's price is not known. Cached input is priced at its own
 * rate (a tenth of fresh input for OpenAI's current models); `input` includes it, as both APIs count it.
 * A base URL the price list knows (Azure, OpenRouter) is priced as that provider; any other (a gateway, a proxy,
 * a local server) is priced by the model's name, since a gateway serving gpt-5-mini costs what OpenAI charges for it.
 */
export function priceOf(model: string, usage: Pick<Usage, 'input' | 'cachedInput' | 'output'>, baseUrl?: string): number | undefined {
  const tokens = { input_tokens: usage.input, cache_read_tokens: Math.min(usage.cachedInput, usage.input), output_tokens: usage.output };
  const attempt = (options: Parameters<typeof calcPrice>[2]): number | undefined => {
    try {
      return calcPrice(tokens, model, options)?.total_price;
    } catch {
      return undefined;
    }
  };
  if (!baseUrl) return attempt({ providerId: 'openai' });
  return attempt({ providerApiUrl: baseUrl }) ?? attempt({});
}

export function isPriceKnown(model: string, baseUrl?: string): boolean {
  return priceOf(model, { input: 1000, cachedInput: 0, output: 1000 }, baseUrl) !== undefined;
}

export class Budget {
  turns = 0;
  readonly usage: Usage = noUsage();

  constructor(
    readonly limits: Limits,
    private readonly model: string,
    private readonly baseUrl?: string,
    private readonly now: () => number = Date.now,
  ) {}

  get promptTokens(): number {
    return this.usage.input;
  }

  get completionTokens(): number {
    return this.usage.output;
  }

  get tokens(): number {
    return this.usage.input + this.usage.output;
  }

  get costUsd(): number | undefined {
    return priceOf(this.model, this.usage, this.baseUrl);
  }

  add(usage: Usage): void {
    this.turns++;
    this.usage.input += usage.input;
    this.usage.cachedInput += usage.cachedInput;
    this.usage.output += usage.output;
    this.usage.reasoning += usage.reasoning;
  }

  /** Why no further model turn may start, or undefined while there is budget left. */
  exhausted(): string | undefined {
    const l = this.limits;
    if (this.turns >= l.maxTurns) return `the turn budget ran out (${this.turns} of ${l.maxTurns} model turns)`;
    if (this.tokens >= l.maxTokens) return `the token budget ran out (${this.tokens} of ${l.maxTokens} tokens)`;
    const cost = this.costUsd;
    if (l.maxCostUsd !== undefined && cost !== undefined && cost >= l.maxCostUsd) {
      return `the cost budget ran out ($${cost.toFixed(4)} of $${l.maxCostUsd})`;
    }
    if (this.now() >= l.deadline) return 'the time budget ran out';
    return undefined;
  }
}
