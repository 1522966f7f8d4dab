// Cutting a GitHub job log to the failed step's section.
import { describe, expect, it } from 'vitest';
import { keepEnd, logLines, stepSection } from '../../../src/github/job-log.js';
import { fixtureText } from './helpers.js';

const log = fixtureText('job-log.txt');

describe('stepSection', () => {
  it("keeps the failed step's section of a real-shaped log, without timestamps", () => {
    const section = stepSection(log, 'npm test -- --reporter=default', ['actions/upload-artifact@v4']);
    expect(section.found).toBe(true);
    const lines = section.text.split('\n');
    expect(lines[0]).toBe('##[group]Run npm test -- --reporter=default');
    expect(lines.at(-1)).toBe('##[error]Process completed with exit code 1.');
    expect(section.text).toContain(' FAIL  src/parse.test.ts > parser > reads nested lists');
    expect(section.text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
    expect(section.text).not.toContain('\r');
    expect(section.text).not.toContain('added 412 packages');
    expect(section.text).not.toContain('upload-artifact');
  });

  it('ends the section at the post-job cleanup when no later step ran', () => {
    const section = stepSection(log, 'npm test -- --reporter=default', []);
    expect(section.text).toContain('##[group]Run actions/upload-artifact@v4');
    expect(section.text).not.toContain('Post job cleanup.');
  });

  it('takes the section holding the error when the same command ran twice', () => {
    const twice = [
      '2024-09-10T14:02:03.1Z ##[group]Run make check',
      '2024-09-10T14:02:04.1Z all good',
      '2024-09-10T14:02:05.1Z ##[group]Run make fix',
      '2024-09-10T14:02:06.1Z fixed 3 files',
      '2024-09-10T14:02:07.1Z ##[group]Run make check',
      '2024-09-10T14:02:08.1Z src/a.c:3: error',
      '2024-09-10T14:02:09.1Z ##[error]Process completed with exit code 2.',
      '2024-09-10T14:02:10.1Z Cleaning up orphan processes',
    ].join('\n');
    const section = stepSection(twice, 'make check', ['make fix', 'make check']);
    expect(section.text).toBe('##[group]Run make check\nsrc/a.c:3: error\n##[error]Process completed with exit code 2.');
  });

  it('matches a header that still shows an expression', () => {
    const text = '2024-09-10T14:02:03.1Z ##[group]Run cargo test --target-dir target/beta\n2024-09-10T14:02:04.1Z boom';
    expect(stepSection(text, 'cargo test --target-dir target/${{ matrix.toolchain }}', []).found).toBe(true);
  });

  it('keeps the end of the whole log when the step is not there', () => {
    const section = stepSection(log, 'pytest', []);
    expect(section.found).toBe(false);
    expect(section.text.endsWith('Cleaning up orphan processes')).toBe(true);
  });

  it('bounds a huge section to its end', () => {
    const noisy = ['##[group]Run npm test', ...Array.from({ length: 20_000 }, (_, i) => `line ${i} of output`), '##[error]Process completed with exit code 1.'];
    const section = stepSection(noisy.join('\n'), 'npm test', []);
    expect(section.text.length).toBeLessThan(64 * 1024 + 100);
    expect(section.text).toMatch(/^\[… \d+ characters of earlier output elided …\]\nline \d+ of output\n/);
    expect(section.text.endsWith('##[error]Process completed with exit code 1.')).toBe(true);
  });
});

describe('logLines and keepEnd', () => {
  it('strips the byte-order mark and timestamps', () => {
    expect(logLines('\uFEFF2024-01-01T00:00:00.0000000Z ##[group]Run npm test\r\n2024-01-01T00:00:01.5Z ok')).toEqual([
      '##[group]Run npm test',
      'ok',
    ]);
  });

  it('leaves short text alone and cuts long text at a line start', () => {
    expect(keepEnd('short', 100)).toBe('short');
    expect(keepEnd('aaaa\nbbbb\ncccc', 7)).toBe('[… 10 characters of earlier output elided …]\ncccc');
  });
});
