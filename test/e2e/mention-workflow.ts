// The README's mention workflow, read from the README itself: its events, permissions, the job's `if:` evaluated with
// GitHub's own expression evaluator, and the step's inputs. The e2e tests run exactly this workflow.
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { TestSecrets } from '../support/action.js';
import { repoRoot } from '../support/tmp.js';

const Workflow = z.object({
  on: z.record(z.string(), z.object({ types: z.array(z.string()) })),
  permissions: z.record(z.string(), z.string()),
  jobs: z.record(
    z.string(),
    z.object({
      if: z.string(),
      concurrency: z.object({ group: z.string() }),
      steps: z.array(z.object({ uses: z.string(), with: z.record(z.string(), z.string()).optional() })),
    }),
  ),
});

export interface MentionWorkflow {
  on: Record<string, { types: string[] }>;
  permissions: Record<string, string>;
  /** The job's `if:`, evaluated for an event as the runner would. */
  runsFor(eventName: string, event: object): boolean;
  concurrencyGroup: string;
  /** The redgreen step's `with:`, secrets filled in with the test secrets. */
  inputs: Record<string, string>;
}

export async function readMentionWorkflow(): Promise<MentionWorkflow> {
  const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8');
  const start = readme.indexOf('### Mentions in issues and pull requests');
  if (start < 0) throw new Error('the README has no mention workflow section');
  const block = /```yaml\n([\s\S]*?)```/.exec(readme.slice(start));
  if (!block?.[1]) throw new Error('the mention workflow section has no yaml block');
  const wf = Workflow.parse(parse(block[1]));
  const [job] = Object.values(wf.jobs);
  if (!job) throw new Error('the mention workflow has no job');
  const step = job.steps.find((s) => s.uses.startsWith('redgreen/redgreen'));
  if (!step) throw new Error('the mention workflow does not use redgreen');
  const secrets: Record<string, string> = { OPENAI_API_KEY: TestSecrets.openaiKey };
  const inputs = Object.fromEntries(
    Object.entries(step.with ?? {}).map(([k, v]) => [k, v.replace(/\$\{\{\s*secrets\.(\w+)\s*\}\}/g, (_, name: string) => secrets[name] ?? '')]),
  );
  return {
    on: wf.on,
    permissions: wf.permissions,
    runsFor: (eventName, event) => evaluate(job.if, { event_name: eventName, event }),
    concurrencyGroup: job.concurrency.group,
    inputs,
  };
}

function evaluate(expression: string, github: object): boolean {
  // `&& 'yes' || 'no'` turns the runner's truthiness into a string the public API can read.
  const lexed = new Lexer(`(${expression.replace(/^\$\{\{|\}\}$/g, '').trim()}) && 'yes' || 'no'`).lex();
  const parsed = new Parser(lexed.tokens, ['github'], []).parse();
  const context = JSON.parse(JSON.stringify({ github }), data.reviver) as data.Dictionary;
  return new Evaluator(parsed, context).evaluate().coerceString() === 'yes';
}
