// Builds the two bundles the project ships: dist/index.js (the action) and dist/cli/index.js (the CLI).
// `node scripts/build.js OUT` builds into another folder (a private bundle to test while dist/ is in use).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';

const out = process.argv[2] ?? 'dist';
rmSync(out, { recursive: true, force: true });
const ncc = 'node_modules/@vercel/ncc/dist/ncc/cli.js';
for (const [entry, dir] of [['src/index.ts', out], ['src/cli/index.ts', path.join(out, 'cli')]]) {
  execFileSync(process.execPath, [ncc, 'build', entry, '-o', dir, '--minify', '--no-source-map-register', '--license', 'licenses.txt', '--quiet'], { stdio: 'inherit' });
}
