// The README's inputs and outputs tables say what action.yml says: same names, same defaults, same descriptions.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';

const ActionYml = z.object({
  inputs: z.record(z.string(), z.object({ description: z.string(), default: z.string().optional() })),
  outputs: z.record(z.string(), z.object({ description: z.string() })),
});

async function sources() {
  const action = ActionYml.parse(parse(await readFile('action.yml', 'utf8')));
  const readme = await readFile('README.md', 'utf8');
  return { action, readme };
}

/** Rows of the first table after a "## heading", as cells without the code ticks. */
function tableAfter(markdown: string, heading: string): string[][] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no "## ${heading}" section`);
  const lines = markdown.slice(start).split('\n').slice(2);
  const rows = lines.slice(lines.findIndex((l) => l.startsWith('|'))).filter((_, i, all) => all.slice(0, i + 1).every((l) => l.startsWith('|')));
  return rows.slice(2).map((r) =>
    r
      .slice(1, -1)
      .split(' | ')
      .map((c) => c.trim().replace(/^`(.*)`$/, '$1')),
  );
}

describe('README tables match action.yml', () => {
  it('lists every input with its default and description, in order', async () => {
    const { action, readme } = await sources();
    const rows = tableAfter(readme, 'Inputs');
    expect(rows.map((r) => r[0])).toEqual(Object.keys(action.inputs));
    for (const [name, def, description] of rows) {
      const input = action.inputs[name!]!;
      expect(def === '—' ? '' : def, `default of ${name}`).toBe(input.default ?? '');
      expect(description, `description of ${name}`).toBe(input.description);
    }
  });

  it('lists every output with its description, in order', async () => {
    const { action, readme } = await sources();
    const rows = tableAfter(readme, 'Outputs');
    expect(rows.map((r) => r[0])).toEqual(Object.keys(action.outputs));
    for (const [name, description] of rows) expect(description).toBe(action.outputs[name!]!.description);
  });
});
