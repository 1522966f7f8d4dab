// A peer host of the test's own: a network namespace joined to this one by a veth pair on a private /30, with an HTTP server on it.
import { execFile, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface Peer {
  url: string;
  close(): Promise<void>;
}

/** Needs root (ip netns). The reply is `body`; nothing but this machine's own addresses is involved. */
export async function startPeer(body: string): Promise<Peer> {
  const id = randomBytes(3).toString('hex');
  const ns = `rgpeer-${id}`;
  const [here, there] = [`rgv${id}a`, `rgv${id}b`];
  // A /30 in 10.213.0.0/16: two addresses, this side and the peer.
  const base = randomInt(0, 16384) * 4;
  const addr = (n: number): string => `10.213.${Math.floor((base + n) / 256)}.${(base + n) % 256}`;
  const ip = (...args: string[]): Promise<unknown> => exec('ip', args);
  await ip('netns', 'add', ns);
  let server: ReturnType<typeof spawn> | undefined;
  const close = async (): Promise<void> => {
    if (server?.pid) {
      try {
        process.kill(server.pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    // Deleting the namespace takes its end of the pair, and with it this end.
    await ip('netns', 'del', ns).catch(() => undefined);
    await ip('link', 'del', here).catch(() => undefined);
  };
  try {
    await ip('link', 'add', here, 'type', 'veth', 'peer', 'name', there, 'netns', ns);
    await ip('addr', 'add', `${addr(1)}/30`, 'dev', here);
    await ip('link', 'set', here, 'up');
    await ip('netns', 'exec', ns, 'ip', 'addr', 'add', `${addr(2)}/30`, 'dev', there);
    await ip('netns', 'exec', ns, 'ip', 'link', 'set', there, 'up');
    await ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
    const code = `require('node:http').createServer((q, s) => s.end(${JSON.stringify(body)})).listen(8080, ${JSON.stringify(addr(2))})`;
    server = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', code], { stdio: 'ignore' });
    const url = `http://${addr(2)}:8080/`;
    // Ready when it answers (bounded: 50 tries).
    for (let i = 0; ; i++) {
      try {
        const r = await fetch(url, { signal: AbortSignal.timeout(1000) });
        if ((await r.text()) === body) break;
      } catch (e) {
        if (i >= 50) throw new Error(`the peer at ${url} never answered: ${(e as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    return { url, close };
  } catch (e) {
    await close();
    throw e;
  }
}
