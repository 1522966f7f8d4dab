// A codex model end to end, through dist/: the Responses API (stateless, reasoning sent back), the built-in shell and
// apply_patch tools, bad patches reported and survived, a shell edit verified and pushed while a shell-written workflow is undone.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileAt, remoteBranches } from '../support/git.js';
import type { ModelStep, OpenAIServer } from '../support/openai-server.js';
import { keepTempDirsOnFailure } from '../support/tmp.js';
import { closedAfterEach, fixtures, readFix, type Fix } from './world.js';

keepTempDirsOnFailure();

const worlds = closedAfterEach();

// No api input: the model's name alone sends every request to /responses, though the base URL is not OpenAI's.
const inputs = { 'test-command': 'npm test', model: 'gpt-5.1-codex' };

/** The V4A hunk that makes the planted fix: the whole line, before and after. */
async function fixHunk(fix: Fix): Promise<string> {
  const text = await readFile(path.join(fixtures, 'node-test', fix.path), 'utf8');
  const line = text.split('\n').find((l) => l.includes(fix.old_string))!;
  return `@@ export function range(start, end) {\n   const out = [];\n-${line}\n+${line.replace(fix.old_string, fix.new_string)}\n   return out;\n`;
}

const patch = (operation: Record<string, unknown>) => ({ name: 'apply_patch', native: 'apply_patch' as const, args: operation });
const shell = (...commands: string[]) => ({ name: 'shell', native: 'shell' as const, args: { commands } });

/** Every request went to /responses, stateless, each carrying every reasoning item issued before it, in order. */
function expectStatelessResponses(model: OpenAIServer): void {
  expect(model.completions).toHaveLength(0);
  expect(model.refusals).toEqual([]);
  expect(model.responses.length).toBeGreaterThan(1);
  model.responses.forEach((req, n) => {
    const body = req.json as { store?: boolean; include?: string[]; previous_response_id?: string; input: Array<{ type?: string; id?: string }> };
    expect(body.store).toBe(false);
    expect(body.include).toContain('reasoning.encrypted_content');
    expect(body.previous_response_id).toBeUndefined();
    const sent = body.input.filter((i) => i.type === 'reasoning').map((i) => i.id);
    expect(sent).toEqual(Array.from({ length: n }, (_, k) => `rs_scripted_${k + 1}`));
  });
}

describe('a codex model on the Responses API', () => {
  it('fixes a planted bug with shell exploration and apply_patch, verified, on a branch with a PR', async () => {
    const fix = await readFix('node-test');
    const world = await worlds.make({
      project: 'node-test',
      script: [
        { tools: [shell('ls src test', `grep -n "i < end" ${fix.path}`)] },
        { tools: [patch({ type: 'update_file', path: fix.path, diff: await fixHunk(fix) })] },
        { tools: [shell('npm test 2>&1 | tail -5')] },
        { content: 'The loop stopped one short of end; it now includes it.' },
      ],
    });
    const result = await world.run({ inputs });
    expect(result.outputs.status).toBe('fixed');
    expectStatelessResponses(world.model);
    const offered = (world.model.responses[0]!.json as { tools: Array<{ type: string }> }).tools.map((t) => t.type);
    expect(offered).toContain('apply_patch');
    expect(offered).toContain('shell');
    // Every built-in call got its output item, and the shell ran for real in the checkout.
    expect(world.model.toolOutputs.map((o) => [o.type, o.status ?? ''])).toEqual([
      ['shell_call_output', ''],
      ['apply_patch_call_output', 'completed'],
      ['shell_call_output', ''],
    ]);
    const explored = world.model.toolOutputs[0]!.output as Array<{ stdout: string; outcome: { type: string; exit_code: number } }>;
    expect(explored[0]!.stdout).toContain('range.js');
    expect(explored[1]!.stdout).toContain('i < end');
    expect(explored.map((c) => c.outcome)).toEqual([{ type: 'exit', exit_code: 0 }, { type: 'exit', exit_code: 0 }]);
    expect(await readFileAt(world.remote, result.outputs.branch!, fix.path)).toContain(fix.new_string);
    expect(world.gh.state.pulls.filter((p) => p.head === result.outputs.branch)).toHaveLength(1);
  });

  it('reports bad patches failed with the reason (workflow, outside, no match) and goes on to the fix', async () => {
    const fix = await readFix('node-test');
    const world = await worlds.make({
      project: 'node-test',
      script: [
        { tools: [patch({ type: 'create_file', path: '.github/workflows/pwn.yml', diff: '+on: push\n' })] },
        { tools: [patch({ type: 'update_file', path: '../outside.js', diff: '@@\n-a\n+b\n' })] },
        { tools: [patch({ type: 'update_file', path: fix.path, diff: '@@\n-  for (let j = 0; j < end; j++) out.push(j);\n+  nope\n' })] },
        { tools: [patch({ type: 'update_file', path: fix.path, diff: await fixHunk(fix) })] },
        { content: 'Fixed after three bad tries.' },
      ],
    });
    const result = await world.run({ inputs });
    expect(result.outputs.status).toBe('fixed');
    expectStatelessResponses(world.model);
    const outputs = world.model.toolOutputs.map((o) => ({ status: o.status, output: String(o.output) }));
    expect(outputs.map((o) => o.status)).toEqual(['failed', 'failed', 'failed', 'completed']);
    expect(outputs[0]!.output).toMatch(/workflow file; writing workflows is not allowed/);
    expect(outputs[1]!.output).toMatch(/leaves the project/);
    expect(outputs[2]!.output).toMatch(/hunk 1 of 1 did not match src\/range\.js[\s\S]*nearest lines[\s\S]*for \(let i = start; i < end; i\+\+\)/);
    const pushed = await remoteBranches(world.remote);
    expect(pushed).toContain(result.outputs.branch);
    expect(await readFileAt(world.remote, result.outputs.branch!, '.github/workflows/pwn.yml')).toBeUndefined();
  });

  it('verifies and pushes a sed -i fix made through shell, and undoes a workflow the shell wrote', async () => {
    const fix = await readFix('node-test');
    const sed = `sed -i 's/${fix.old_string}/${fix.new_string}/' ${fix.path}`;
    const steps: ModelStep[] = [
      { tools: [shell(sed, 'mkdir -p .github/workflows && printf "on: push\\n" > .github/workflows/sneak.yml', 'git status --short')] },
      { content: 'Fixed with sed.' },
    ];
    const world = await worlds.make({ project: 'node-test', script: steps });
    const result = await world.run({ inputs });
    expect(result.outputs.status).toBe('fixed');
    expect(Number(result.outputs.attempts)).toBe(1);
    const [out] = world.model.toolOutputs;
    const commands = out!.output as Array<{ stdout: string; stderr: string }>;
    expect(commands.at(-1)!.stderr).toMatch(/kept as your edits: src\/range\.js \(modified\)/);
    expect(commands.at(-1)!.stderr).toMatch(/Undone, because these files may not be written in this run: \.github\/workflows\/sneak\.yml/);
    expect(await readFileAt(world.remote, result.outputs.branch!, fix.path)).toContain(fix.new_string);
    expect(await readFileAt(world.remote, result.outputs.branch!, '.github/workflows/sneak.yml')).toBeUndefined();
    await expect(readFile(path.join(world.workspace, '.github/workflows/sneak.yml'))).rejects.toThrow(/ENOENT/);
  });

  it('ends as error, saying to set api: responses, when a codex model is sent to Chat Completions', async () => {
    const world = await worlds.make({ project: 'node-test', script: [{ content: 'never served' }] });
    const result = await world.run({ inputs: { ...inputs, api: 'chat' } });
    expect(result.outputs.status).toBe('error');
    expect(result.exitCode).not.toBe(0);
    expect(world.model.completions.map((r) => r.status)).toEqual([400]);
    expect(world.model.responses).toHaveLength(0);
    expect(result.summary).toMatch(/'gpt-5\.1-codex' is served only on the Responses API, not on Chat Completions: set \W*api: responses/);
    expect(await remoteBranches(world.remote)).toEqual(['main']);
  });
});
