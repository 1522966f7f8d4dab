// The push token as git config passed through the environment: never in argv, never written to .git/config.

export interface PushAuth {
  token: string;
  /** `https://github.com` or the GHES URL; the token is only sent to this host. */
  serverUrl: string;
}

/**
 * Environment for one git call that talks to `remoteUrl`: an `http.<scheme>://<host>/.extraheader`
 * with the token, via GIT_CONFIG_COUNT/KEY/VALUE. Empty when the remote is not http(s) on the
 * server's host, so the token never travels anywhere else.
 */
export function authEnv(
  remoteUrl: string,
  auth: PushAuth | undefined,
  baseEnv: Record<string, string | undefined> = process.env,
): Record<string, string> {
  if (!auth?.token) return {};
  let remote: URL;
  let server: URL;
  try {
    remote = new URL(remoteUrl);
    server = new URL(auth.serverUrl);
  } catch {
    return {};
  }
  if (remote.protocol !== 'https:' && remote.protocol !== 'http:') return {};
  if (remote.host.toLowerCase() !== server.host.toLowerCase()) return {};

  const key = `http.${remote.protocol}//${remote.host}/.extraheader`;
  const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${auth.token}`).toString('base64')}`;
  const pairs: Array<[string, string]> = [
    // An empty value first resets any header a checkout left for this host: two Authorization headers are rejected.
    [key, ''],
    [key, header],
    // No credential helper may answer instead of (or after) our header.
    ['credential.helper', ''],
  ];
  const start = Number.parseInt(baseEnv.GIT_CONFIG_COUNT ?? '0', 10);
  const offset = Number.isInteger(start) && start > 0 ? start : 0;
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(offset + pairs.length) };
  pairs.forEach(([k, v], i) => {
    env[`GIT_CONFIG_KEY_${offset + i}`] = k;
    env[`GIT_CONFIG_VALUE_${offset + i}`] = v;
  });
  return env;
}
