// Builds the two bundles the project ships: dist/index.js (the action) and dist/cli/index.js (the CLI).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
const ncc = 'node_modules/@vercel/ncc/dist/ncc/cli.js';
for (const [entry, out] of [['src/index.ts', 'dist'], ['src/cli/index.ts', 'dist/cli']]) {
  execFileSync(process.execPath, [ncc, 'build', entry, '-o', out, '--minify', '--no-source-map-register', '--license', 'licenses.txt', '--quiet'], { stdio: 'inherit' });
}
