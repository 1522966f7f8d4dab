// Small pieces shared by the fake servers: listening on 127.0.0.1, reading bodies, replying, recording, closing.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as a fake server saw it, for assertions on what was (not) called and what was sent. */
export interface RecordedHttpRequest {
  /** 0-based, in arrival order. */
  index: number;
  method: string;
  /** Path with query string, as sent. */
  path: string;
  pathname: string;
  query: Record<string, string>;
  /** Lower-cased names, authorization included. */
  headers: Record<string, string>;
  /** The body as UTF-8 text; binary uploads are summarised as `<N bytes>`. */
  bodyText: string;
  bytes: number;
  /** The body parsed as JSON, when it was JSON. */
  json: unknown;
  /** Name of the route that answered; null when nothing matched (the fake replied 404). */
  route: string | null;
  /** Status code sent back (0 when the socket was dropped). */
  status: number;
}

export interface Reply {
  status: number;
  json?: unknown;
  text?: string;
  body?: Buffer;
  headers?: Record<string, string>;
}

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Builds the record of a request; `route` and `status` are filled in once it is answered. */
export function recordRequest(
  index: number,
  req: http.IncomingMessage,
  body: Buffer,
  opts: { binary?: boolean } = {},
): RecordedHttpRequest {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const bodyText = opts.binary ? `<${body.length} bytes>` : body.toString('utf8');
  return {
    index,
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    pathname: url.pathname,
    query: Object.fromEntries(url.searchParams.entries()),
    headers: flattenHeaders(req.headers),
    bodyText,
    bytes: body.length,
    json: opts.binary ? undefined : parseJson(bodyText),
    route: null,
    status: 0,
  };
}

export function send(res: http.ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  let payload: Buffer;
  if (reply.body !== undefined) {
    payload = reply.body;
  } else if (reply.text !== undefined) {
    payload = Buffer.from(reply.text, 'utf8');
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else if (reply.json !== undefined) {
    payload = Buffer.from(JSON.stringify(reply.json), 'utf8');
    headers['content-type'] ??= 'application/json; charset=utf-8';
  } else {
    payload = Buffer.alloc(0);
  }
  headers['content-length'] = String(payload.length);
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/** Destroys the connection without an answer, like a proxy that lost it. */
export function drop(req: http.IncomingMessage, res: http.ServerResponse): void {
  res.socket?.destroy();
  req.socket.destroy();
}

export async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** Closes the server and every connection still open, hung requests included. */
export async function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
