import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as t from '@nnlab/tensor-gpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisServerPresence, startTestRedis, type TestRedisServer } from '../../../../scripts/redis-server.test-helper';
import type { ExperimentContext } from '../experiment';
import { createPackExperiment } from '../experiments/pack';
import { main } from '../main';
import { workerCommand } from './worker-command';
import { verifyAcasXuJob, verifyAcasXuOnQueue, verifyOvalOnQueue, type AcasXuOutcome } from './verify-jobs';

const presence = redisServerPresence();

function context(values: Record<string, unknown>, log: string[]): ExperimentContext {
  return {
    progress: () => ({ tick: () => undefined, done: () => undefined }),
    log: (m) => log.push(m),
    options: { seed: 1, quick: true, full: false, values },
    outDir: '/nonexistent/pack',
  };
}

const sink = () => {
  const lines: string[] = [];
  return { lines, write: (text: string) => lines.push(text) };
};

describe('nnlab worker: command line', () => {
  it('names the option and what it expects', async () => {
    const err = sink();
    expect(await workerCommand([], { stdout: sink(), stderr: err })).toBe(2);
    expect(err.lines.join('')).toMatch(/option '--redis' is required/);
    const bad = sink();
    expect(await workerCommand(['--redis', 'localhost'], { stdout: sink(), stderr: bad })).toBe(2);
    expect(bad.lines.join('')).toMatch(/option '--redis': expected a URL such as redis:\/\/127\.0\.0\.1:6379/);
    const conc = sink();
    expect(await workerCommand(['--redis', 'redis://127.0.0.1:1', '--concurrency', '0'], { stdout: sink(), stderr: conc })).toBe(2);
    expect(conc.lines.join('')).toMatch(/option '--concurrency': expected an integer from 1 to 64, got '0'/);
    const down = sink();
    expect(await workerCommand(['--redis', 'redis://127.0.0.1:1'], { stdout: sink(), stderr: down })).toBe(1);
    expect(down.lines.join('')).toMatch(/option '--redis': cannot reach a Redis server at redis:\/\/127\.0\.0\.1:1/);
    const usage = sink();
    expect(await main(['pack', '--redis', 'http://x'], { stderr: usage as never, stdout: sink() })).toBe(2);
    expect(usage.lines.join('')).toMatch(/option '--redis': .*has the scheme 'http:'/);
    const verifyUsage = sink();
    expect(await main(['verify', '--redis', 'redis://h/x'], { stderr: verifyUsage as never, stdout: sink() })).toBe(2);
    expect(verifyUsage.lines.join('')).toMatch(/option '--redis': .*must be a database number, got 'x'/);
  });
});

describe.skipIf(presence.skip)('nnlab pack --redis and nnlab verify --redis with an nnlab worker', () => {
  let redis: TestRedisServer;
  let stop!: () => void;
  let worker: Promise<number>;
  const workerLog = sink();

  beforeAll(async () => {
    if (!presence.present) throw new Error(presence.reason);
    await t.setBackend('cpu');
    redis = await startTestRedis();
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    worker = workerCommand(['--redis', redis.url], { stdout: sink(), stderr: workerLog, stopped });
  });
  afterAll(async () => {
    stop?.();
    if (worker) expect(await worker).toBe(0);
    await redis?.dispose();
  });

  it('pack: finds what the in-process run finds', async () => {
    const settings = { ks: [1], stepModels: ['mlp' as const], repeats: 5, R: 3, trainCount: 200, validationCount: 200 };
    const log: string[] = [];
    const onQueue = await createPackExperiment(settings).run(context({ redis: redis.url, 'run-id': 'lab-resume' }, log));
    const inProcess = await createPackExperiment(settings).run(context({}, []));
    type Data = { hyperband: { searches: { best: unknown; rungs: { scores: unknown; packs: unknown }[] }[] } };
    const strip = (d: Data) => d.hyperband.searches.map((s) => ({ best: s.best, rungs: s.rungs.map((r) => ({ scores: r.scores, packs: r.packs })) }));
    expect(strip(onQueue.data as Data)).toEqual(strip(inProcess.data as Data));
    expect(log.join('\n')).toMatch(/queue: run lab-resume-single on redis:\/\/127\.0\.0\.1:\d+ .*pass --run-id lab-resume to resume/);
    const trained = workerLog.lines.filter((l) => /lab-resume-packed\.b\d\.r\d\.t[\d-]+ done in/.test(l)).length;
    expect(trained).toBeGreaterThan(0);
    // The same command with the same run id takes every result from Redis: nothing is trained again.
    const resumed = await createPackExperiment(settings).run(context({ redis: redis.url, 'run-id': 'lab-resume' }, []));
    expect(strip(resumed.data as Data)).toEqual(strip(inProcess.data as Data));
    expect(workerLog.lines.filter((l) => /lab-resume-packed/.test(l)).length).toBe(trained);
  }, 240_000);

  it('verify: one job per ACAS Xu instance gives the in-process verdicts; a bad instance fails once, clearly', async () => {
    const instances = [{ x: 1, y: 5, property: 1 }, { x: 2, y: 5, property: 3 }, { x: 2, y: 1, property: 2 }, { x: 1, y: 7, property: 3 }];
    const log: string[] = [];
    const onQueue = await verifyAcasXuOnQueue(instances, { redis: redis.url, runId: 'acas', timeout: 20, log: (m) => log.push(m) });
    const inProcess = [];
    for (const instance of instances) inProcess.push(await verifyAcasXuJob({ instance, timeout: 20 }));
    const verdicts = (list: AcasXuOutcome[]) => list.map((o) => [o.status, o.branches]);
    expect(verdicts(onQueue)).toEqual(verdicts(inProcess));
    expect(verdicts(onQueue).map(([s]) => s)).toEqual(['holds', 'holds', 'violated', 'violated']);
    expect(workerLog.lines.join('')).toMatch(/acas\.N2-1\.p2 done in/);
    await expect(verifyAcasXuOnQueue([{ x: 1, y: 5, property: 11 }], { redis: redis.url, runId: 'bad', timeout: 20, log: () => {} })).rejects.toThrow(
      /job bad\.N1-5\.p11 \(N1,5 φ11\) after 1 try: bad input in job bad\.N1-5\.p11: job data\.instance\.property must be an integer in 1\.\.10, got 11/,
    );
  }, 120_000);

  it('verify --suite: one job per OVAL property and rule, verified from the worker\'s own data; a row the table lacks fails once, clearly', async () => {
    const jobs = [{ suite: 'base_easy' as const, row: 0, rule: 'babsr' as const, timeout: 3 }, { suite: 'base_easy' as const, row: 1, rule: 'gnn' as const, timeout: 3, bounding: 'alpha-beta' as const }];
    const runs = await verifyOvalOnQueue(jobs, { redis: redis.url, runId: 'oval', log: () => {} });
    // Every base_easy property holds and takes minutes: 3 s ends each run on its time limit, in the
    // worker as in process; the run names its row and rule and has bounded some domains.
    expect(runs.map((r) => [r.row, r.rule, r.status])).toEqual([[0, 'babsr', 'timeout'], [1, 'gnn', 'timeout']]);
    expect(runs.every((r) => r.boundCalls > 0 && r.timeS >= 3)).toBe(true);
    expect(workerLog.lines.join('')).toMatch(/oval\.base_easy\.r1\.gnn done in/);
    await expect(verifyOvalOnQueue([{ suite: 'base_easy', row: 100_000, rule: 'babsr', timeout: 3 }], { redis: redis.url, runId: 'bad-oval', log: () => {} })).rejects.toThrow(
      /job bad-oval\.base_easy\.r100000\.babsr \(OVAL base_easy row 100000, babsr\) after 1 try: bad input in job bad-oval\.base_easy\.r100000\.babsr: job data\.row: the OVAL table base_easy has no row 100000/,
    );
    await expect(verifyOvalOnQueue([{ suite: 'base_easy', row: 0, rule: 'random' as never, timeout: 3 }], { redis: redis.url, runId: 'x', log: () => {} })).rejects.toThrow(/job data\.rule must be one of babsr, gnn, strong, got "random"/);
    await expect(verifyOvalOnQueue([{ suite: 'base_easy', row: 0, rule: 'babsr', timeout: 3, bounding: 'lp' as never }], { redis: redis.url, runId: 'y', log: () => {} })).rejects.toThrow(/job data\.bounding must be one of alpha, alpha-beta, got "lp"/);
  }, 180_000);
});

describe.skipIf(presence.skip)('nnlab verify --redis: faults, with real worker processes and redis-server', () => {
  let redis: TestRedisServer;
  let folder: string;
  const children: ChildProcess[] = [];
  const exited = (child: ChildProcess) =>
    child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const startWorker = (log: string) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/verify-worker.ts', import.meta.url))], {
      env: { ...process.env, REDIS_URL: redis.url, VERIFY_LOG: log },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    return new Promise<ChildProcess>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
      child.once('exit', (code) => reject(new Error(`verification worker exited with code ${code} before it was ready`)));
    });
  };
  const lines = (log: string) => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split(' ')) : []);

  beforeAll(async () => {
    if (!presence.present) throw new Error(presence.reason);
    redis = await startTestRedis();
    folder = mkdtempSync(join(tmpdir(), 'nnlab-verify-queue-'));
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await Promise.all(children.map(exited));
    await redis?.dispose();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('a worker killed with SIGKILL in the middle of an instance: another verifies it, same verdicts; a restarted driver recomputes nothing', async () => {
    const log = join(folder, 'kill.log');
    const instances = [{ x: 1, y: 3, property: 1 }, { x: 1, y: 5, property: 1 }];
    const inProcess = [];
    for (const instance of instances) inProcess.push(await verifyAcasXuJob({ instance, timeout: 100 }));
    const workers = await Promise.all([startWorker(log), startWorker(log)]);
    const run = verifyAcasXuOnQueue(instances, { redis: redis.url, runId: 'kill', timeout: 100, log: () => {} });
    const slow = 'kill.N1-3.p1';
    const deadline = Date.now() + 60_000;
    let victimPid: string | undefined;
    while (!(victimPid = lines(log).find(([e, id]) => e === 'start' && id === slow)?.[2])) {
      if (Date.now() > deadline) throw new Error(`no worker started ${slow}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const victim = workers.find((w) => String(w.pid) === victimPid)!;
    victim.kill('SIGKILL');
    await exited(victim);
    const verdicts = (list: AcasXuOutcome[]) => list.map((o) => [o.status, o.branches]);
    expect(verdicts(await run)).toEqual(verdicts(inProcess));
    expect(verdicts(inProcess).map(([s]) => s)).toEqual(['holds', 'holds']);
    const ends = lines(log).filter(([e, id]) => e === 'end' && id === slow);
    expect(ends).toHaveLength(1);
    expect(ends[0][2]).not.toBe(victimPid);
    // The same run id again: every result comes from Redis, nothing starts.
    const started = lines(log).filter(([e]) => e === 'start').length;
    expect(verdicts(await verifyAcasXuOnQueue(instances, { redis: redis.url, runId: 'kill', timeout: 100, log: () => {} }))).toEqual(verdicts(inProcess));
    expect(lines(log).filter(([e]) => e === 'start')).toHaveLength(started);
  }, 240_000);
});
