// Test helper shared by the packages' tests (not part of any library): starts a private
// redis-server (Debian's package) on a free loopback port with its data in a temporary folder.
// Without redis-server the queue tests skip with a message, except under CI=true, where they fail.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inCI } from './shared-data.test-helper';

/** Whether redis-server is installed, and whether the tests needing it should skip. */
export function redisServerPresence(): { present: boolean; skip: boolean; reason: string } {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  const present = probe.status === 0;
  const reason = present ? '' : 'redis-server is not installed (Debian package redis-server; scripts/setup.sh installs it)';
  if (!present) {
    if (inCI) console.error(`FAIL (CI=true): ${reason}`);
    else console.warn(`skipping the queue tests: ${reason}`);
  }
  return { present, skip: !present && !inCI, reason };
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (reply) => done(reply.toString().startsWith('+PONG')));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}

/** A redis-server of one test file. */
export interface TestRedisServer {
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  /** Its loopback port. */
  port: number;
  /** Its data folder. */
  dir: string;
  /** The server process's id (changes on restart). */
  pid(): number;
  /** Stops it (SIGTERM: it writes its append-only file first) and waits for the exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and folder. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  dispose(): Promise<void>;
}

/** Starts redis-server on a free loopback port; `appendOnly` turns persistence on (an append-only file). */
export async function startTestRedis(options: { appendOnly?: boolean } = {}): Promise<TestRedisServer> {
  const port = await freeLoopbackPort();
  const dir = mkdtempSync(join(tmpdir(), 'nnlab-redis-'));
  let child: ChildProcess | null = null;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', options.appendOnly ? 'yes' : 'no', '--appendfsync', 'always', '--daemonize', 'no', '--loglevel', 'warning'];
  const server: TestRedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    pid: () => child?.pid ?? -1,
    async start() {
      const proc = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'inherit'] });
      child = proc;
      for (let i = 0; i < 100; i++) {
        if (proc.exitCode !== null) throw new Error(`redis-server exited with code ${proc.exitCode} on port ${port}`);
        if (await answersPing(port)) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`redis-server did not answer on port ${port} within 5 s`);
    },
    async stop() {
      const proc = child;
      child = null;
      if (!proc || proc.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      });
    },
    async dispose() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
