// What a repeat on this runner cannot reproduce of the failed job, and what to add to the redgreen job for it.
import { describe, expect, it } from 'vitest';
import { notRepeated } from '../../../src/github/unrepeated.js';
import { parseWorkflow } from '../../../src/github/workflow-file.js';

describe('notRepeated', () => {
  it('names action steps, services, the container and a non-Linux runner, each with what to add', () => {
    const wf = parseWorkflow(
      'on: push\njobs:\n  t:\n    runs-on: ${{ matrix.os }}\n    container: {image: "node:22"}\n    services:\n      postgres: {image: postgres}\n      redis: {image: redis}\n    steps:\n      - run: make\n',
    );
    if ('error' in wf) throw new Error(wf.error);
    const scope = { github: {}, runner: {}, env: {}, inputs: {}, matrix: { os: 'macos-14' } };
    expect(notRepeated({ job: wf.jobs[0]!, scope, actions: ['actions/setup-node@v4', 'actions/setup-node@v4'] })).toEqual([
      'Steps that use actions were not repeated (actions/setup-node@v4): add the ones the tests need (setup-node, setup-python, a cache…) to the redgreen job before the redgreen step.',
      "The job's services (postgres, redis) were not started: add the same `services:` to the redgreen job.",
      'The job ran in the container node:22, which was not used here: give the redgreen job the same `container:`.',
      'The job ran on macos-14, not Linux; its steps were repeated on this Linux runner: run redgreen with `runs-on: macos-14` to repeat it there.',
    ]);
  });

  it('says nothing for a plain Linux job of run steps', () => {
    const wf = parseWorkflow('on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n');
    if ('error' in wf) throw new Error(wf.error);
    expect(notRepeated({ job: wf.jobs[0]!, scope: { github: {}, runner: {}, env: {}, inputs: {}, matrix: {} }, actions: [] })).toEqual([]);
  });
});
