import { Socket } from 'node:net';

/** Host, port and credentials of a Redis server, as BullMQ's `connection` option takes them. */
export interface RedisConnection {
  /** Host name or address. */
  host: string;
  /** TCP port. */
  port: number;
  /** Database index (the URL's path, default 0). */
  db: number;
  /** User name, when the URL has one. */
  username?: string;
  /** Password, when the URL has one. */
  password?: string;
}

/**
 * Parses `redis://[user:password@]host[:port][/db]` into connection options; throws an error that
 * names `argument` and the form expected.
 */
export function parseRedisUrl(url: unknown, argument = 'redis'): RedisConnection {
  const expected = `expected a URL such as redis://127.0.0.1:6379 (redis://[user:password@]host[:port][/db])`;
  if (typeof url !== 'string' || url.trim() === '') throw new Error(`${argument}: ${expected}, got ${JSON.stringify(url)}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${argument}: ${expected}, got '${url}'`);
  }
  if (parsed.protocol !== 'redis:') throw new Error(`${argument}: ${expected}; '${url}' has the scheme '${parsed.protocol}' (TLS through rediss: is not supported)`);
  if (!parsed.hostname) throw new Error(`${argument}: ${expected}; '${url}' names no host`);
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const dbText = parsed.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d+$/.test(dbText)) throw new Error(`${argument}: ${expected}; the path of '${url}' must be a database number, got '${dbText}'`);
  const connection: RedisConnection = { host: parsed.hostname.replace(/^\[|\]$/g, ''), port, db: dbText === '' ? 0 : Number(dbText) };
  if (parsed.username) connection.username = decodeURIComponent(parsed.username);
  if (parsed.password) connection.password = decodeURIComponent(parsed.password);
  return connection;
}

/**
 * Connects once and sends PING, so that an unreachable server fails at once with a clear message
 * instead of in BullMQ's endless reconnection loop. Resolves when the server answers.
 */
export async function probeRedis(url: string, options: { argument?: string; timeoutMs?: number } = {}): Promise<void> {
  const argument = options.argument ?? 'redis';
  const { host, port } = parseRedisUrl(url, argument);
  const timeoutMs = options.timeoutMs ?? 5000;
  await new Promise<void>((resolve, reject) => {
    const socket = new Socket();
    const fail = (why: string) => {
      socket.destroy();
      reject(new Error(`${argument}: cannot reach a Redis server at ${url}: ${why}`));
    };
    socket.setTimeout(timeoutMs, () => fail(`no answer within ${timeoutMs} ms`));
    socket.once('error', (e) => fail(e.message));
    socket.once('data', (reply) => {
      socket.destroy();
      // +PONG, or -NOAUTH/-WRONGPASS from a server that wants credentials: either way a Redis server answers.
      if (/^[+-]/.test(reply.toString('latin1'))) resolve();
      else reject(new Error(`${argument}: the server at ${url} answered PING with something that is not Redis`));
    });
    socket.connect(port, host, () => socket.write('PING\r\n'));
  });
}
