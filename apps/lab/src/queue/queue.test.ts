import * as t from '@nnlab/tensor-gpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisServerPresence, startTestRedis, type TestRedisServer } from '../../../../scripts/redis-server.test-helper';
import type { ExperimentContext } from '../experiment';
import { createPackExperiment } from '../experiments/pack';
import { main } from '../main';
import { workerCommand } from './worker-command';
import { verifyAcasXuJob, verifyAcasXuOnQueue, type AcasXuOutcome } from './verify-jobs';

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
});
