// The published package as a user gets it: `npm pack`, installed offline into an empty prefix, run from there.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { keepTempDirsOnFailure, makeTempDir, repoRoot } from '../support/tmp.js';

keepTempDirsOnFailure();
const exec = promisify(execFile);

const PackResult = z.array(z.object({ filename: z.string(), files: z.array(z.object({ path: z.string() })) })).length(1);
const PackageJson = z.object({ version: z.string(), engines: z.object({ node: z.string() }), dependencies: z.record(z.string(), z.string()).optional() });

/**
 * A machine with nothing on it but Node.js and npm: an empty home and npm cache, and a registry
 * that answers nobody, so an install that needed one more package would fail.
 */
async function cleanEnv(root: string): Promise<NodeJS.ProcessEnv> {
  const home = await makeTempDir('pack-home');
  // This Node.js first (npm's `#!/usr/bin/env node` finds it), then wherever npm itself is installed.
  const npmDir = (process.env.PATH ?? '').split(':').find((dir) => dir && existsSync(path.join(dir, 'npm'))) ?? '/usr/bin';
  return {
    PATH: `${path.dirname(process.execPath)}:${npmDir}:/usr/bin:/bin`,
    HOME: home,
    npm_config_cache: path.join(root, 'npm-cache'),
    npm_config_registry: 'http://127.0.0.1:9/',
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
}

/** A Node.js older than `engines` allows, if this machine has one (the system Node.js often is). */
async function olderNode(): Promise<string | undefined> {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node', '/bin/node']) {
    const version = await exec(candidate, ['--version']).then((r) => r.stdout.trim(), () => undefined);
    if (version && Number(/^v(\d+)/.exec(version)?.[1]) < 22) return candidate;
  }
  return undefined;
}

describe('the npm package', () => {
  it('packs only what the CLI needs, installs offline into an empty prefix and runs --help from there, and runs the demo with npx', async () => {
    const root = await makeTempDir('pack');
    const env = await cleanEnv(root);
    const packed = PackResult.parse(
      JSON.parse((await exec('npm', ['pack', '--json', '--pack-destination', root], { cwd: repoRoot, env })).stdout),
    )[0]!;
    const files = packed.files.map((f) => f.path).sort();
    expect(files).toContain('bin/redgreen.js');
    expect(files).toContain('dist/cli/index.js');
    expect(files).toContain('dist/cli/licenses.txt');
    expect(files).toContain('demo/project/src/cart.js');
    expect(files).toContain('README.md');
    // The action's bundle, the sources, the tests and the fixtures stay out.
    expect(files.filter((f) => !/^(bin\/|dist\/cli\/|demo\/project\/|README\.md$|package\.json$|LICENSE)/.test(f))).toEqual([]);

    const prefix = await makeTempDir('pack-prefix');
    await exec('npm', ['install', '--offline', '--prefix', prefix, path.join(root, packed.filename)], { cwd: prefix, env });
    const installed = path.join(prefix, 'node_modules', 'redgreen');
    const manifest = PackageJson.parse(JSON.parse(await readFile(path.join(installed, 'package.json'), 'utf8')));
    // Everything runs from the bundle: a dependency would need the registry the install never reached.
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.engines.node).toBe('>=22');

    const redgreen = path.join(prefix, 'node_modules', '.bin', 'redgreen');
    const help = await exec(redgreen, ['--help'], { cwd: prefix, env });
    expect(help.stdout).toContain('redgreen fix --test "<command>"');
    expect(help.stdout).toContain('--json');
    const version = await exec(redgreen, ['--version'], { cwd: prefix, env });
    expect(version.stdout).toBe(`${manifest.version}\n`);

    // The README's form: `npx redgreen demo`, here with the tarball as the package, still offline.
    const work = await makeTempDir('pack-work');
    const tarball = path.join(root, packed.filename);
    const demo = await exec('npx', ['--offline', '--yes', '--package', tarball, '--', 'redgreen', 'demo'], { cwd: work, env, timeout: 90_000 });
    expect(demo.stdout).toContain('redgreen: fixed');
    expect(demo.stdout).toMatch(/verify\s+full\s+passed/);
    expect(demo.stdout).toContain('+  return item.quantity >= 10 ? total * 0.9 : total;');
  });

  it('refuses a Node.js older than engines names, with a sentence instead of a stack trace', async (ctx) => {
    const node = await olderNode();
    if (!node) ctx.skip();
    const run = exec(node!, [path.join(repoRoot, 'bin', 'redgreen.js'), '--help'], { env: { PATH: process.env.PATH } });
    await expect(run).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/^redgreen needs Node\.js 22 or newer; this is Node\.js \d+/) });
  });
});
