// The Actions host: artifact names, and log lines no model or test text can turn into workflow commands.
import { describe, expect, it } from 'vitest';
import { artifactName, escapeCommands } from '../../../src/action/host.js';

describe('artifactName', () => {
  it('is unique per job and per attempt of a run', () => {
    expect(artifactName({ GITHUB_JOB: 'fix', GITHUB_RUN_ATTEMPT: '1' })).toBe('redgreen-evidence-fix');
    expect(artifactName({ GITHUB_JOB: 'fix', GITHUB_RUN_ATTEMPT: '3' })).toBe('redgreen-evidence-fix-attempt-3');
    expect(artifactName({})).toBe('redgreen-evidence');
  });
});

describe('escapeCommands', () => {
  it('leaves no line that starts a workflow command, whatever breaks the lines', () => {
    const text = 'turn 1: read_file x\n::error::forged\r::stop-commands::tok\r\n   ::warning::indented\n##[set-output name=a;]b\nkeep :: this';
    const out = escapeCommands(text);
    for (const line of out.split(/\r\n|\r|\n/)) {
      expect(line.trimStart().startsWith('::'), line).toBe(false);
      expect(line.trimStart().startsWith('##['), line).toBe(false);
    }
    // Readable still: only a zero-width space was added after the first character.
    expect(out.replaceAll('\u200b', '')).toBe(text);
  });
});
