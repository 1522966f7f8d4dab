import { describe, expect, it } from 'vitest';
import { artifactName } from '../../../src/action/host.js';

describe('artifactName', () => {
  it('is unique per job and per attempt of a run', () => {
    expect(artifactName({ GITHUB_JOB: 'fix', GITHUB_RUN_ATTEMPT: '1' })).toBe('redgreen-evidence-fix');
    expect(artifactName({ GITHUB_JOB: 'fix', GITHUB_RUN_ATTEMPT: '3' })).toBe('redgreen-evidence-fix-attempt-3');
    expect(artifactName({})).toBe('redgreen-evidence');
  });
});
