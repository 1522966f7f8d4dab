// Fix mode end to end on real projects with real test runners: reproduce, repair, verify, push, PR, evidence.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { changedFiles, freshClone, log } from '../support/git.js';
import { keepTempDirsOnFailure } from '../support/tmp.js';
import { closedAfterEach, fixingScript, readFix, toolchainEnv } from './world.js';

keepTempDirsOnFailure();
const exec = promisify(execFile);

const runners = [
  { project: 'node-test', command: 'npm test', failing: 'includes both ends' },
  { project: 'vitest', command: 'npm test', failing: 'adds two numbers' },
  { project: 'jest', command: 'npm test', failing: 'capitalize upper-cases the first letter' },
  { project: 'mocha', command: 'npm test', failing: 'average of several values' },
  { project: 'pytest', command: 'python3 -m pytest -q', failing: 'test_takes_percent_off' },
  { project: 'cargo', command: 'cargo test', failing: 'centuries' },
];

const worlds = closedAfterEach();

describe.each(runners)('fix mode with $project', ({ project, command, failing }) => {
  it('fixes the planted bug, proves it, and delivers a branch, a PR and the evidence', async () => {
    const fix = await readFix(project);
    const world = await worlds.make({ project, script: fixingScript(fix) });
    const result = await world.run({ inputs: { 'test-command': command } });

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('fixed');
    const branch = `redgreen/fix/main-${world.sha.slice(0, 7)}`;
    expect(result.outputs.branch).toBe(branch);
    expect(Number(result.outputs.attempts)).toBeGreaterThanOrEqual(2);

    // The branch: one commit on the failing commit, with only the model's file.
    const commits = await log(world.remote, branch);
    expect(commits[0]?.parents).toEqual([world.sha]);
    expect(await changedFiles(world.remote, world.sha, branch)).toEqual([fix.path]);

    // A reviewer's fresh clone of the branch passes the test command.
    const clone = await freshClone(world.remote, branch);
    const env = { ...process.env, ...toolchainEnv, PATH: `${path.resolve('node_modules/.bin')}:${process.env.PATH}` };
    await expect(exec('bash', ['-c', command], { cwd: clone, env })).resolves.toBeDefined();

    // Exactly one PR, into the branch that failed, carrying the evidence table.
    const pulls = world.gh.state.pulls.filter((p) => p.state === 'open');
    expect(pulls).toHaveLength(1);
    expect(pulls[0]!.head).toBe(branch);
    expect(pulls[0]!.base).toBe('main');
    expect(result.outputs['pr-url']).toContain(`/pull/${pulls[0]!.number}`);
    expect(pulls[0]!.body).toMatch(/\| *#/);

    // The summary names the failing test; the artifact holds logs, the patch and the JUnit report.
    expect(result.summary).toMatch(/fixed/i);
    expect(result.summary).toContain(failing);
    // The model's first request already names the failing test.
    expect(world.model.requests[0]!.bodyText).toContain(failing);
    const files = world.gh.artifactFiles(world.gh.state.artifacts[0]!.name);
    const names = Object.keys(files);
    expect(names.some((n) => /^logs\/.*reproduce/.test(n))).toBe(true);
    expect(names).toContain('fix.patch');
    expect(names).toContain('junit.xml');
    expect(files['fix.patch']!.toString()).toContain(fix.new_string.split('\n')[0]!);
    expect(files['junit.xml']!.toString()).toMatch(/<testsuite/);
  });
});
