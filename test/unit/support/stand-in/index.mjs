// A stand-in action: reads inputs, calls the model and the artifact service, writes outputs and a summary, so the harness can be tested before dist/ exists.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as core from '@actions/core';
import { context } from '@actions/github';
import { DefaultArtifactClient } from '@actions/artifact';
import OpenAI from 'openai';

const behaviour = core.getInput('behaviour');
const token = core.getInput('github-token');
core.setSecret(token);

async function report() {
  const baseURL = core.getInput('openai-base-url');
  if (baseURL) {
    const openai = new OpenAI({ apiKey: core.getInput('openai-api-key'), baseURL, maxRetries: 0 });
    const reply = await openai.chat.completions.create({ model: 'stand-in', messages: [{ role: 'user', content: 'hello' }] });
    core.setOutput('model-said', reply.choices[0]?.message.content ?? '');
  }
  const workspace = process.env.GITHUB_WORKSPACE;
  const files = core.getMultilineInput('files').map((file) => path.join(workspace, file));
  const uploaded = await new DefaultArtifactClient().uploadArtifact('evidence', files, workspace);
  core.setOutput('artifact-id', String(uploaded.id));
  core.setOutput('artifact-size', String(uploaded.size));
  core.setOutput('status', 'completed');
  core.setOutput('mode', core.getInput('mode'));
  core.setOutput('max-iterations', core.getInput('max-iterations'));
  core.setOutput('token-is-default', String(token === process.env.EXPECTED_TOKEN));
  core.setOutput('openai-key-in-env', String('OPENAI_API_KEY' in process.env));
  core.setOutput('notes', 'line one\nline two');
  core.setOutput('event', `${context.eventName} ${context.payload.workflow_run?.head_sha ?? ''} ${context.runId}`);
  core.warning('look: here, please', { file: 'src/a.ts', startLine: 3 });
  await core.summary.addHeading('Stand-in').addRaw('All went well.').write();
}

// More than one 8 MiB block, so the upload is staged in blocks and committed with a block list.
async function roundtrip() {
  const client = new DefaultArtifactClient();
  const root = path.join(process.env.RUNNER_TEMP, 'upload');
  await mkdir(root, { recursive: true });
  const big = randomBytes(9 * 1024 * 1024);
  await writeFile(path.join(root, 'big.bin'), big);
  await writeFile(path.join(root, 'small.txt'), 'small\n');
  const uploaded = await client.uploadArtifact('big', [path.join(root, 'big.bin'), path.join(root, 'small.txt')], root);
  const listed = await client.listArtifacts();
  core.setOutput('listed', listed.artifacts.map((a) => `${a.name}:${a.id}`).join(','));
  const found = await client.getArtifact('big');
  core.setOutput('found-size', String(found.artifact.size));
  const target = path.join(process.env.RUNNER_TEMP, 'download');
  await client.downloadArtifact(uploaded.id, { path: target });
  const same = (await readFile(path.join(target, 'big.bin'))).equals(big) && (await readFile(path.join(target, 'small.txt'), 'utf8')) === 'small\n';
  core.setOutput('downloaded-same', String(same));
  await client.deleteArtifact('big');
  core.setOutput('after-delete', String((await client.listArtifacts()).artifacts.length));
}

if (behaviour === 'roundtrip') {
  await roundtrip();
} else if (behaviour === 'report') {
  await report();
} else if (behaviour === 'fail') {
  core.setOutput('status', 'error');
  core.setFailed('stand-in failed on purpose');
} else if (behaviour === 'hang') {
  setInterval(() => {}, 1000);
} else if (behaviour === 'orphan') {
  spawn('sleep', ['300'], { detached: true, stdio: 'ignore' }).unref();
} else if (behaviour === 'upload-twice') {
  const workspace = process.env.GITHUB_WORKSPACE;
  const client = new DefaultArtifactClient();
  await client.uploadArtifact('evidence', [path.join(workspace, 'README.md')], workspace);
  try {
    await client.uploadArtifact('evidence', [path.join(workspace, 'README.md')], workspace);
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}
