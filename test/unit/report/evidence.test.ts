// The evidence folder: every file written, big logs gzipped, secrets redacted everywhere, a readable transcript.
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GzipThreshold, writeEvidence } from '../../../src/report/evidence.js';
import { renderTranscript } from '../../../src/report/transcript.js';
import { ExitGate } from '../../../src/safety/gate.js';
import { tempDir } from '../delivery/tmp.js';
import { failure, fixedReport, run } from './sample.js';

const secret = 'sk-test-SECRET-0123456789';

function transcript(): unknown[] {
  return [
    { role: 'system', text: 'You fix failing tests.' },
    { role: 'user', text: `Failing: math > adds. Key is ${secret}` },
    { role: 'model', parts: [{ kind: 'call', call: { id: 'call_1', name: 'read_file', arguments: '{"path":"src/math.js"}' } }] },
    { role: 'tool', callId: 'call_1', name: 'read_file', text: `${'1: line\n'.repeat(2000)}`, failed: false },
    {
      role: 'model',
      parts: [
        { kind: 'reasoning', reasoning: { id: 'rs_2', encrypted: 'gAAAAB-opaque', summary: ['The sign is wrong.'] } },
        { kind: 'call', call: { id: 'apc_2', name: 'apply_patch', arguments: '{"type":"update_file","path":"src/math.js","diff":"@@\n-a - b\n+a + b"}', native: true } },
      ],
      usage: { input: 1200, cachedInput: 1024, output: 80, reasoning: 64 },
    },
    { role: 'tool', callId: 'apc_2', name: 'apply_patch', text: 'updated src/math.js', failed: false },
    { role: 'model', parts: [{ kind: 'text', text: 'Fixed the sign in add().' }] },
    42,
  ];
}

describe('writeEvidence', () => {
  it('writes the report files next to the logs, gzips big logs and redacts everything it writes', async () => {
    const dir = await tempDir('evidence');
    await mkdir(path.join(dir, 'logs'));
    const small = path.join(dir, 'logs', '01-reproduce.log');
    const big = path.join(dir, 'logs', '02-verify.log');
    await writeFile(small, 'FAIL math > adds\n');
    const bigText = 'ok 1 - still passing\n'.repeat(Math.ceil((GzipThreshold + 1024) / 21));
    // A test that read the key prints it reversed and spread over lines, across the blocks the log is read in.
    const reversed = [...secret].reverse().join('');
    const planted = `${bigText.slice(0, 1024 * 1024 - 10)}${reversed.slice(0, 8)}\n${reversed.slice(8)}\n${bigText.slice(1024 * 1024 - 10)}`;
    await writeFile(big, planted);
    // ...and links a file outside into the evidence folder, for the upload to read.
    await symlink('/etc/passwd', path.join(dir, 'logs', 'passwd.log'));

    const gate = new ExitGate();
    gate.add(secret, { mask: false });
    const report = fixedReport({
      evidenceDir: dir,
      reason: `Fixed; the key ${secret} was never needed.`,
      failingBefore: [failure('math > adds', `expected "${secret}" to equal "x"`)],
      runs: [run(1, { logFile: small }), run(2, { phase: 'verify', ok: true, exitCode: 0, logFile: big })],
    });
    const files = await writeEvidence(dir, {
      report,
      transcript: transcript(),
      patch: `diff --git a/x b/x\n+const key = "${secret}";\n`,
      gate,
    });

    expect(files).toEqual([
      'fix.patch',
      'junit.xml',
      'logs/01-reproduce.log',
      'logs/02-verify.log.gz',
      'report.json',
      'summary.md',
      'transcript.json',
      'transcript.md',
    ]);
    for (const file of files.filter((f) => !f.endsWith('.gz'))) {
      const content = await readFile(path.join(dir, file), 'utf8');
      expect(content, file).not.toContain(secret);
    }
    const unpacked = gunzipSync(await readFile(`${big}.gz`)).toString('utf8');
    expect(unpacked).not.toContain(reversed.slice(0, 8));
    expect(unpacked).toBe(`${bigText.slice(0, 1024 * 1024 - 10)}***\n***\n${bigText.slice(1024 * 1024 - 10)}`);
    expect(await readdir(path.join(dir, 'logs'))).toEqual(['01-reproduce.log', '02-verify.log.gz']);

    const written = JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8')) as { reason: string; runs: Array<{ logFile: string }> };
    expect(written.reason).toBe('Fixed; the key *** was never needed.');
    expect(written.runs.map((r) => r.logFile)).toEqual([small, `${big}.gz`]);
    expect(await readFile(path.join(dir, 'fix.patch'), 'utf8')).toContain('+const key = "***";');
    expect(await readFile(path.join(dir, 'junit.xml'), 'utf8')).toContain('<testsuite name="#2 verify: npm test"');
    expect(await readFile(path.join(dir, 'summary.md'), 'utf8')).toMatch(/^## ✅ redgreen: fixed/);
  });

  it('writes no patch when there is none, and works without a logs folder', async () => {
    const dir = path.join(await tempDir('evidence'), 'fresh');
    const files = await writeEvidence(dir, { report: fixedReport({ evidenceDir: dir }), transcript: [], gate: new ExitGate() });
    expect(files).toEqual(['junit.xml', 'report.json', 'summary.md', 'transcript.json', 'transcript.md']);
  });
});

describe('renderTranscript', () => {
  it('shows each message, each tool call with its arguments, reasoning and tokens, and a bounded view of each result', () => {
    const md = renderTranscript(transcript());
    expect(md).toContain('## 1. system');
    expect(md).toContain('## 3. model\n\n**Tool call** `read_file` (call_1)');
    expect(md).toContain('"path": "src/math.js"');
    expect(md).toContain('## 4. result of read_file');
    expect(md).toMatch(/… [\d,]+ characters elided …/);
    expect(md).toContain('## 5. model (input 1200 tokens, 1024 cached; output 80, 64 reasoning)');
    expect(md).toContain('**Reasoning** (encrypted, 13 characters; sent back on every later turn)');
    expect(md).toContain('The sign is wrong.');
    expect(md).toContain('**Tool call** `apply_patch` (built-in) (apc_2)');
    expect(md).toContain('## 6. result of apply_patch\n\n```text\nupdated src/math.js\n```');
    expect(md).toContain('Fixed the sign in add().');
    expect(md).toContain('## 8. item\n\n```text\n42\n```');
    expect(md.length).toBeLessThan(20_000);
  });
});
