import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as t from '@nnlab/tensor-gpu';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisServerPresence, startTestRedis, type TestRedisServer } from '../../../../scripts/redis-server.test-helper';
import { inProcessExecutor } from '../hyperband/executor';
import { hyperband } from '../hyperband/search';
import { queueExecutor } from './executor';
import { startTrialWorker } from './worker';
import { parseRedisUrl, probeRedis } from './redis-url';
import { comparable, evaluatorFor, SEARCH, TASK } from './fixtures/synthetic-search';

const presence = redisServerPresence();
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fixture script in its own Node process (TypeScript through tsx). */
function startProcess(script: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', fixture(script)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
}

function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`worker exited with code ${code} before it was ready`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Parsed lines of a worker log: [event, job key, pid]. */
const logLines = (file: string): [string, string, number][] =>
  existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => { const [e, k, p] = l.split(' '); return [e, k, Number(p)]; }) : [];

describe.skipIf(presence.skip)('Hyperband on a BullMQ queue with real worker processes and redis-server', () => {
  let reference: ReturnType<typeof comparable>;
  let folder: string;
  const children: ChildProcess[] = [];
  const servers: TestRedisServer[] = [];

  const workers = (redis: TestRedisServer, count: number, log: string, extra: Record<string, string> = {}) => {
    const list = Array.from({ length: count }, () => startProcess('trial-worker.ts', { REDIS_URL: redis.url, TRIAL_LOG: log, ...extra }));
    children.push(...list);
    return Promise.all(list.map(ready)).then(() => list);
  };
  const redisServer = async (appendOnly = false) => {
    const server = await startTestRedis({ appendOnly });
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    if (!presence.present) throw new Error(presence.reason);
    await t.setBackend('cpu');
    folder = mkdtempSync(join(tmpdir(), 'nnlab-queue-test-'));
    reference = comparable(await hyperband({ ...SEARCH, executor: inProcessExecutor(evaluatorFor(TASK)) }));
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await Promise.all(children.map(exited));
    await Promise.all(servers.map((s) => s.dispose()));
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('two worker processes (one with two threads) give the in-process search; bad input fails once, clearly, and the queue goes on', async () => {
    const redis = await redisServer();
    const log = join(folder, 'plain.log');
    await workers(redis, 1, log);
    await workers(redis, 1, log, { CONCURRENCY: '2' });
    const executor = await queueExecutor({ redis: redis.url, runId: 'plain', task: TASK, pollIntervalMs: 100 });
    const queue = new Queue('nnlab-trials', { connection: parseRedisUrl(redis.url) });
    try {
      const result = comparable(await hyperband({ ...SEARCH, executor }));
      expect(result).toEqual(reference);
      expect(result.rungs.some((r) => r.packs.some((p) => p.length > 1))).toBe(true);
      // Both processes trained, and every job ran exactly once.
      const ends = logLines(log).filter(([e]) => e === 'end');
      expect(new Set(ends.map(([, , pid]) => pid)).size).toBe(2);
      expect(ends.length).toBe(result.rungs.reduce((s, r) => s + r.packs.length, 0));

      // The same run id with another search is refused, not mixed in.
      const other = await queueExecutor({ redis: redis.url, runId: 'plain', task: { ...TASK, seed: 6 }, pollIntervalMs: 100 });
      try {
        await expect(hyperband({ ...SEARCH, executor: other })).rejects.toThrow(/queueExecutor: the queue already holds job plain\.b2\.r0\.t[\d-]+ with other data/);
      } finally {
        await other.close();
      }

      // A payload that is not a trial job: one try, a failure that says what is wrong.
      await queue.add('trial', { runId: 'bad', task: TASK, job: { ids: [0], configs: [{ lr: 0.1 }], budget: -1, bracket: 0, rung: 0 } }, { jobId: 'bad-input', attempts: 3 });
      await expect.poll(() => queue.getJobState('bad-input'), { timeout: 10_000 }).toBe('failed');
      const failed = (await queue.getJob('bad-input'))!;
      expect(failed.attemptsMade).toBe(1);
      expect(failed.failedReason).toMatch(/bad input in job bad-input: job data\.job\.budget must be a positive number, got -1/);
      // A task no worker knows fails its job once, and the driver's error names the job and the reason.
      const unknown = await queueExecutor({ redis: redis.url, runId: 'unknown-task', task: { kind: 'imagenet' }, pollIntervalMs: 100 });
      try {
        await expect(unknown.run([{ ids: [0], configs: [{ lr: 0.1, momentum: 0, batchSize: 16, seed: 1 }], budget: 1, bracket: 0, rung: 0 }])).rejects.toThrow(
          /job unknown-task\.b0\.r0\.t0 \(trials \[0\], budget 1\) after 1 try: bad input in job unknown-task\.b0\.r0\.t0: unknown task \{"kind":"imagenet"\}/,
        );
      } finally {
        await unknown.close();
      }
      // The queue is not poisoned: a new run completes with the in-process result.
      const again = await queueExecutor({ redis: redis.url, runId: 'after-bad', task: TASK, pollIntervalMs: 100 });
      try {
        expect(comparable(await hyperband({ ...SEARCH, executor: again }))).toEqual(reference);
      } finally {
        await again.close();
      }
    } finally {
      await queue.close();
      await executor.close();
    }
  });

  it('a worker killed with SIGKILL in the middle of a job: the job is retried on the other worker, same result', async () => {
    const redis = await redisServer();
    const log = join(folder, 'kill.log');
    const [victim] = await workers(redis, 2, log, { JOB_DELAY_MS: '300', LOCK_MS: '1000', STALLED_MS: '500' });
    const executor = await queueExecutor({ redis: redis.url, runId: 'kill', task: TASK, pollIntervalMs: 100 });
    try {
      const search = hyperband({ ...SEARCH, executor });
      await waitFor('the victim to start a job', () => logLines(log).some(([e, , pid]) => e === 'start' && pid === victim.pid));
      victim.kill('SIGKILL');
      await exited(victim);
      const killedJob = logLines(log).find(([e, , pid]) => e === 'start' && pid === victim.pid)![1];
      expect(comparable(await search)).toEqual(reference);
      const lines = logLines(log);
      expect(lines.some(([e, k, pid]) => e === 'end' && k === killedJob && pid === victim.pid)).toBe(false);
      expect(lines.filter(([e, k, pid]) => e === 'end' && k === killedJob && pid !== victim.pid)).toHaveLength(1);
    } finally {
      await executor.close();
    }
  });

  it('a try past the job timeout is stopped and retried, then reported', async () => {
    const redis = await redisServer();
    await workers(redis, 1, join(folder, 'timeout.log'), { JOB_DELAY_MS: '5000', JOB_TIMEOUT_MS: '300' });
    const executor = await queueExecutor({ redis: redis.url, runId: 'timeout', task: TASK, pollIntervalMs: 100, attempts: 2, retryDelayMs: 50 });
    try {
      const start = Date.now();
      await expect(executor.run([{ ids: [0], configs: [{ lr: 0.1, momentum: 0, batchSize: 16, seed: 1 }], budget: 1, bracket: 0, rung: 0 }])).rejects.toThrow(
        /job timeout\.b0\.r0\.t0 \(trials \[0\], budget 1\) after 2 tries: job timeout\.b0\.r0\.t0 ran past the job timeout of 300 ms/,
      );
      expect(Date.now() - start).toBeLessThan(5000);
    } finally {
      await executor.close();
    }
  });

  it('a driver restarted in the middle of the search resumes from Redis: nothing recomputed, lost or counted twice', async () => {
    const redis = await redisServer();
    const log = join(folder, 'driver.log');
    await workers(redis, 2, log, { JOB_DELAY_MS: '50' });
    const resultFile = join(folder, 'driver.json');
    const env = { REDIS_URL: redis.url, RUN_ID: 'restart', RESULT_FILE: resultFile };
    const first = startProcess('trial-driver.ts', env);
    children.push(first);
    await waitFor('some finished jobs', () => logLines(log).filter(([e]) => e === 'end').length >= 5);
    first.kill('SIGKILL');
    await exited(first);
    expect(existsSync(resultFile)).toBe(false);
    const second = startProcess('trial-driver.ts', env);
    children.push(second);
    expect(await exited(second)).toBe(0);
    expect(JSON.parse(readFileSync(resultFile, 'utf8'))).toEqual(JSON.parse(JSON.stringify(reference)));
    // Every job trained exactly once across both drivers.
    const ends = logLines(log).filter(([e]) => e === 'end').map(([, k]) => k);
    expect(ends.length).toBe(new Set(ends).size);
    expect(ends.length).toBe(reference.rungs.reduce((s, r) => s + r.packs.length, 0));
  });

  it('Redis restarted with persistence on in the middle of the search: the run completes with the same result', async () => {
    const redis = await redisServer(true);
    const log = join(folder, 'redis.log');
    await workers(redis, 2, log, { JOB_DELAY_MS: '50' });
    const executor = await queueExecutor({ redis: redis.url, runId: 'redis-restart', task: TASK, pollIntervalMs: 100 });
    const queue = new Queue('nnlab-trials', { connection: parseRedisUrl(redis.url) });
    queue.on('error', () => {});
    try {
      const search = hyperband({ ...SEARCH, executor });
      await waitFor('some finished jobs', () => logLines(log).filter(([e]) => e === 'end').length >= 4);
      const before = redis.pid();
      const completedBefore = (await queue.getJobCounts('completed')).completed;
      await redis.stop();
      await sleep(300);
      await redis.start();
      expect(redis.pid()).not.toBe(before);
      // The finished jobs came back from the append-only file.
      expect((await queue.getJobCounts('completed')).completed).toBeGreaterThanOrEqual(completedBefore);
      expect(completedBefore).toBeGreaterThan(0);
      expect(comparable(await search)).toEqual(reference);
    } finally {
      await queue.close();
      await executor.close();
    }
  });
});

describe('queue options', () => {
  it('names the argument and the form expected', async () => {
    expect(() => parseRedisUrl('localhost:6379', '--redis')).toThrow(/--redis: expected a URL such as redis:\/\/127\.0\.0\.1:6379.*got 'localhost:6379'|--redis: .*scheme 'localhost:'/);
    expect(() => parseRedisUrl('http://127.0.0.1', '--redis')).toThrow(/--redis: .*has the scheme 'http:'/);
    expect(() => parseRedisUrl('redis://127.0.0.1/x', '--redis')).toThrow(/must be a database number, got 'x'/);
    expect(parseRedisUrl('redis://u:p%40ss@127.0.0.1:7000/2')).toEqual({ host: '127.0.0.1', port: 7000, db: 2, username: 'u', password: 'p@ss' });
    await expect(queueExecutor({ redis: 'redis://127.0.0.1:1', runId: 'x', task: TASK })).rejects.toThrow(/queueExecutor: options\.redis: cannot reach a Redis server at redis:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/);
    await expect(probeRedis('redis://127.0.0.1:1', { argument: '--redis' })).rejects.toThrow(/^--redis: cannot reach/);
    await expect(queueExecutor({ redis: 'redis://127.0.0.1:1', runId: 'a b', task: TASK })).rejects.toThrow(/options\.runId must be a non-empty string of letters/);
    await expect(queueExecutor({ redis: 'redis://127.0.0.1:1', runId: 'x', task: TASK, attempts: 0 })).rejects.toThrow(/options\.attempts must be a positive integer, got 0/);
    const module = fixture('thread-entry.mjs');
    await expect(startTrialWorker({ redis: 'redis://127.0.0.1:1', module: 3 as never })).rejects.toThrow(/startTrialWorker: options\.module must be a path or file URL/);
    await expect(startTrialWorker({ redis: 'redis://127.0.0.1:1', module, concurrency: 1.5 })).rejects.toThrow(/options\.concurrency must be a positive integer, got 1\.5/);
    await expect(startTrialWorker({ redis: 'redis:/127.0.0.1', module })).rejects.toThrow(/startTrialWorker: options\.redis: .*names no host/);
  });
});
