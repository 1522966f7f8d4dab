// Builds the two bundles the project ships: dist/index.js (the action) and dist/cli/index.js (the CLI).
// `node scripts/build.js OUT` builds into another folder (a private bundle to test while dist/ is in use).
// esbuild, not ncc: the same one-file ESM bundle in about a second instead of a minute and a half.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const out = process.argv[2] ?? 'dist';
rmSync(out, { recursive: true, force: true });

// Bundled CommonJS code calls require(); an ESM bundle has none of its own.
const banner = "import{createRequire as __rgRequire}from'node:module';const require=__rgRequire(import.meta.url);";

for (const [entry, dir] of [['src/index.ts', out], ['src/cli/index.ts', path.join(out, 'cli')]]) {
  const result = await build({
    entryPoints: [entry],
    outfile: path.join(dir, 'index.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    metafile: true,
    banner: { js: banner },
    logLevel: 'warning',
  });
  writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n');
  writeFileSync(path.join(dir, 'licenses.txt'), licenses(Object.keys(result.metafile.inputs)));
}

/** The licence text of every package the bundle holds, in name order (what ncc's --license wrote). */
function licenses(inputs) {
  const roots = new Set();
  for (const file of inputs) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(file);
    if (m) roots.add(m[1]);
  }
  const parts = [];
  for (const root of [...roots].sort()) {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    const file = existsSync(root) ? readdirSync(root).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f)) : undefined;
    const text = file ? readFileSync(path.join(root, file), 'utf8').trim() : '';
    parts.push(`${pkg.name}\n${pkg.license ?? ''}\n${text}`);
  }
  return `${parts.join('\n\n')}\n`;
}
