// Permalinks in an answer: each is checked against the commit that was read, corrected or removed, never posted broken.
import { describe, expect, it } from 'vitest';
import { checkPermalinks, permalink } from '../../../src/report/permalinks.js';

const sha = 'a'.repeat(40);
const base = { serverUrl: 'https://github.com', repo: 'acme/widgets', sha };
const files: Record<string, number> = { 'src/range.js': 12, 'docs/a b.md': 3 };
const count = async (p: string) => files[p];
const link = (rest: string, ref = sha) => `https://github.com/acme/widgets/blob/${ref}/${rest}`;

describe('checkPermalinks', () => {
  it('keeps a link whose file and lines exist at the commit', async () => {
    const text = `See [range](${link('src/range.js#L3-L5')}) and ${link('src/range.js#L7')}.`;
    const out = await checkPermalinks(text, base, count);
    expect(out.text).toBe(text);
    expect(out.links.map((l) => l.why)).toEqual([undefined, undefined]);
  });

  it('pins a link on a branch or another commit to the commit read, and clamps lines past the end', async () => {
    const out = await checkPermalinks(`[x](${link('src/range.js#L10-L40', 'main')})`, base, count);
    expect(out.text).toBe(`[x](${link('src/range.js#L10-L12')})`);
    expect(out.links[0]!.why).toMatch(/pinned to aaaaaaa instead of main; lines clamped to 10-12/);
  });

  it('links to the file when the first line is past its end, and swaps reversed ranges', async () => {
    const out = await checkPermalinks(`${link('src/range.js#L50-L60')} ${link('src/range.js#L5-L2')}`, base, count);
    expect(out.text).toBe(`${link('src/range.js')} ${link('src/range.js#L2-L5')}`);
  });

  it('removes links to files that do not exist there, keeping a markdown label or the path', async () => {
    const out = await checkPermalinks(`[the parser](${link('src/parser.js#L1-L2')}) and ${link('src/gone.js#L3')}; ${link('../etc/passwd')}`, base, count);
    expect(out.text).toBe('the parser and `src/gone.js`; `../etc/passwd`');
    expect(out.links.every((l) => l.posted === undefined)).toBe(true);
  });

  it('leaves links into other repositories alone and encodes paths it builds', async () => {
    const other = 'https://github.com/other/repo/blob/main/x.js#L1';
    const out = await checkPermalinks(`${other} ${link('docs/a%20b.md#L2')}`, base, count);
    expect(out.text).toBe(`${other} ${permalink(base, 'docs/a b.md', { start: 2, end: 2 })}`);
    expect(out.links).toHaveLength(1);
  });
});
