import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisServerPresence, startTestRedis, type TestRedisServer } from '../../../../scripts/redis-server.test-helper';
import type { ExperimentContext } from '../experiment';
import { createPackExperiment } from '../experiments/pack';
import { main } from '../main';
import { workerCommand } from './worker-command';

const presence = redisServerPresence();

function context(values: Record<string, unknown>, log: string[]): ExperimentContext {
  return {
    progress: () => ({ tick: () => undefined, done: () => undefined }),
    log: (m) => log.push(m),
    options: { seed: 1, quick: true, values },
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
  });
});

describe.skipIf(presence.skip)('nnlab pack --redis with an nnlab worker', () => {
  let redis: TestRedisServer;
  beforeAll(async () => {
    if (!presence.present) throw new Error(presence.reason);
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.dispose();
  });

  it('finds what the in-process run finds', async () => {
    const settings = { ks: [1], stepModels: ['mlp' as const], repeats: 5, R: 3, trainCount: 200, validationCount: 200 };
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const err = sink();
    const worker = workerCommand(['--redis', redis.url], { stdout: sink(), stderr: err, stopped });
    try {
      const log: string[] = [];
      const onQueue = await createPackExperiment(settings).run(context({ redis: redis.url }, log));
      const inProcess = await createPackExperiment(settings).run(context({}, []));
      type Data = { hyperband: { searches: { best: unknown; rungs: { scores: unknown; packs: unknown }[] }[] } };
      const strip = (d: Data) => d.hyperband.searches.map((s) => ({ best: s.best, rungs: s.rungs.map((r) => ({ scores: r.scores, packs: r.packs })) }));
      expect(strip(onQueue.data as Data)).toEqual(strip(inProcess.data as Data));
      expect(log.join('\n')).toMatch(/queue: run pack-\S+-single on redis:\/\/127\.0\.0\.1:\d+/);
      expect(err.lines.join('')).toMatch(/pack-\S+-packed\.b\d\.r\d\.t[\d-]+ done in/);
    } finally {
      stop();
      expect(await worker).toBe(0);
    }
  }, 240_000);
});
