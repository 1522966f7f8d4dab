// network: off end to end: a peer host that answers the setup command is out of reach of the tests that follow.
import { chmod, cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPeer, type Peer } from '../support/netns.js';
import { keepTempDirsOnFailure, makeTempDir, repoRoot } from '../support/tmp.js';
import { closedAfterEach, fixtures } from './world.js';

keepTempDirsOnFailure();
const worlds = closedAfterEach();

/** A passing project whose one test phones the peer. */
async function phoningProject(): Promise<string> {
  const dir = await makeTempDir('phoning');
  await mkdir(path.join(dir, 'test'));
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'phoning', private: true, type: 'module', scripts: { test: 'node --test' } }));
  await cp(path.join(repoRoot, 'test', 'fixtures', 'hostile', 'net.test.js'), path.join(dir, 'test', 'net.test.js'));
  return path.relative(fixtures, dir);
}

/** The setup command phones the peer too, before the network is cut. */
const setup = `node -e "fetch(process.env.NET_PEER_URL).then((r) => r.text()).then((t) => 'reached: ' + t, (e) => 'unreachable: ' + e.cause?.code).then((s) => require('fs').writeFileSync(process.env.NET_DUMP_DIR + '/setup.txt', s))"`;

async function phone(peer: Peer, network: 'on' | 'off'): Promise<{ setup: string; tests: string[]; status?: string }> {
  const dumps = await makeTempDir(`net-${network}`);
  await chmod(dumps, 0o777);
  const world = await worlds.make({ project: await phoningProject(), script: [{ content: 'must not be asked' }] });
  const result = await world.run({
    inputs: { 'test-command': 'npm test', 'setup-command': setup, network },
    env: { NET_PEER_URL: peer.url, NET_DUMP_DIR: dumps },
  });
  expect(result.exitCode, result.stdout).toBe(0);
  const names = await readdir(dumps);
  return {
    setup: await readFile(path.join(dumps, 'setup.txt'), 'utf8'),
    tests: await Promise.all(names.filter((n) => n.startsWith('test-')).map((n) => readFile(path.join(dumps, n), 'utf8'))),
    status: result.outputs.status,
  };
}

describe.runIf(process.getuid?.() === 0)('network: off (a peer in a network namespace of the test\'s own)', () => {
  let peer: Peer;
  beforeAll(async () => {
    peer = await startPeer('peer-says-hello');
  });
  afterAll(async () => {
    await peer?.close();
  });

  it('lets setup and tests reach the peer with the network on', async () => {
    const seen = await phone(peer, 'on');
    expect(seen.status).toBe('not-reproduced');
    expect(seen.setup).toBe('reached: peer-says-hello');
    expect(seen.tests.length).toBeGreaterThanOrEqual(2);
    for (const t of seen.tests) expect(t).toBe('reached: peer-says-hello');
  });

  it('lets setup reach the peer, and no test after it, with the network off', async () => {
    const seen = await phone(peer, 'off');
    expect(seen.status).toBe('not-reproduced');
    expect(seen.setup).toBe('reached: peer-says-hello');
    expect(seen.tests.length).toBeGreaterThanOrEqual(2);
    for (const t of seen.tests) expect(t).toMatch(/^unreachable: /);
  });
});
