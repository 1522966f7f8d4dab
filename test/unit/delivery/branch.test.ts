// Branch names: deterministic, in the right family, and always valid git refs (checked by git itself).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { branchName, isOwnBranch, slug } from '../../../src/delivery/branch.js';

const sha = '0123456789abcdef0123456789abcdef01234567';

function assertValidRef(name: string): void {
  // Throws (exit 1) when git would refuse the name.
  execFileSync('git', ['check-ref-format', `refs/heads/${name}`]);
}

describe('branchName', () => {
  it('names a fix after the failed branch and the commit', () => {
    expect(branchName('redgreen/', { mode: 'fix', failedBranch: 'main', sha })).toBe('redgreen/fix/main-0123456');
    expect(branchName('redgreen/', { mode: 'fix', failedBranch: 'refs/heads/feature/Login_Page', sha })).toBe(
      'redgreen/fix/feature-login-page-0123456',
    );
    expect(branchName('redgreen/', { mode: 'fix', sha })).toBe('redgreen/fix/detached-0123456');
  });

  it('names a task after its first words and a hash of the prompt and ref', () => {
    const a = branchName('redgreen/', { mode: 'task', sha, prompt: 'Add a --json flag to the CLI, please!', ref: 'main' });
    expect(a).toMatch(/^redgreen\/task\/add-a-json-flag-to-the-[0-9a-f]{6}$/);
    expect(branchName('redgreen/', { mode: 'task', sha: 'ffff', prompt: 'Add a --json flag to the CLI, please!', ref: 'main' })).toBe(a);
    expect(branchName('redgreen/', { mode: 'task', sha, prompt: 'Add a --json flag to the CLI, please!', ref: 'dev' })).not.toBe(a);
    expect(branchName('redgreen/', { mode: 'task', sha, prompt: 'Add a --json flag to the CLI, quickly!', ref: 'main' })).not.toBe(a);
  });

  it('names coverage work after the ref', () => {
    expect(branchName('bots/rg-', { mode: 'coverage', sha, ref: 'refs/heads/main' })).toBe('bots/rg-coverage/main');
  });

  it('gives valid ref names for hostile input', () => {
    const nasty = [
      '',
      '..',
      '@{-1}',
      'a..b',
      'x.lock',
      '.hidden',
      'spaces and\ttabs\nnewlines',
      'ünïcödé ✓ 日本語',
      'refs/heads/feature/../../x',
      'a/b//c/',
      '~^:?*[\\',
      'x'.repeat(500),
      `${'word '.repeat(100)}`,
    ];
    for (const text of nasty) {
      const names = [
        branchName('redgreen/', { mode: 'fix', failedBranch: text, sha }),
        branchName('redgreen/', { mode: 'task', sha, prompt: text, ref: text }),
        branchName('redgreen/', { mode: 'coverage', sha, ref: text }),
      ];
      for (const name of names) {
        assertValidRef(name);
        expect(name.length).toBeLessThan(80);
      }
    }
    expect(branchName('redgreen/', { mode: 'task', sha, prompt: 'ünïcödé résumé', ref: 'main' })).toMatch(
      /^redgreen\/task\/unicode-resume-[0-9a-f]{6}$/,
    );
  });
});

describe('isOwnBranch', () => {
  it('owns exactly the branches under the prefix', () => {
    expect(isOwnBranch('redgreen/', 'redgreen/fix/main-0123456')).toBe(true);
    expect(isOwnBranch('redgreen/', 'refs/heads/redgreen/task/x-abcdef')).toBe(true);
    expect(isOwnBranch('redgreen/', 'main')).toBe(false);
    expect(isOwnBranch('redgreen/', 'redgreen')).toBe(false);
    expect(isOwnBranch('', 'main')).toBe(false);
  });
});

describe('slug', () => {
  it('cuts at a word boundary and falls back when nothing is left', () => {
    expect(slug('Fix the flaky login test in the auth module today', 'x', 20)).toBe('fix-the-flaky-login');
    expect(slug('!!!', 'fallback')).toBe('fallback');
    expect(slug('a'.repeat(60), 'x', 10)).toBe('aaaaaaaaaa');
  });
});
