import * as t from '@nnlab/tensor-gpu';
import { loadMnist } from '@nnlab/tensor-gpu/node';
import {
  compareQueueReadback,
  compareStepTimes,
  configurationDistance,
  hyperband,
  hyperbandSchedule,
  inProcessExecutor,
  lenet5Architecture,
  mlpArchitecture,
  packedEvaluator,
  samePaddingKey,
  scheduleTotals,
  singleModelEvaluator,
  type BestTrial,
  type Configuration,
  type EvaluatorSetup,
  type ModelConfig,
  type QueueTiming,
  type RungRecord,
  type SearchSpace,
  type StepTimeRow,
} from '@nnlab/pack';
import type { ExperimentContext } from '../../experiment';

/** The grid Hyperband samples from: learning rate, momentum, batch size and initialisation seed. */
export const PACK_SEARCH_SPACE: SearchSpace = {
  lr: [0.003, 0.01, 0.03, 0.1, 0.3],
  momentum: [0, 0.5, 0.9],
  batchSize: [32, 64, 128],
  seed: [1, 2, 3, 4],
};

/** The sizes of one run, after defaults and command-line options. */
export interface PackRunSettings {
  /** Pack sizes of the step-time table (default 1, 2, 4, 8; 1, 2 with `--quick`). */
  ks: readonly number[];
  /** Architectures of the step-time table (default MLP 784-256-10 and LeNet-5; the MLP only with `--quick`). */
  stepModels: readonly ('mlp' | 'lenet5')[];
  /** Timed repetitions per step time (default 7; 5 with `--quick`). */
  repeats: number;
  /** Hyperband's maximum budget R in epochs (default 9; 3 with `--quick`). */
  R: number;
  /** MNIST training images the searches train on (default 2000; 300 with `--quick`). */
  trainCount: number;
  /** MNIST images (from the end of the training split) the searches validate on (default 2000; 300 with `--quick`). */
  validationCount: number;
  /** The tensor-gpu backend. */
  backend: t.BackendRequest;
  /** Base seed of every random draw. */
  seed: number;
}

/** One search, as plain data: its totals, its best trial and its rungs' times and scores. */
export interface PackSearch {
  name: string;
  wallMs: number;
  timeToBestMs: number;
  trainings: number;
  epochs: number;
  best: BestTrial | null;
  rungs: (Omit<RungRecord, 'trials'> & { scores: [number, number][] })[];
}

/** Everything a run measured, as plain data (it is the `data` of report.json). */
export interface PackMeasurement {
  backend: string;
  /** Timed repetitions per step time. */
  repeats: number;
  /** Pack sizes and architecture names of the step-time table. */
  ks: number[];
  architectures: string[];
  stepTimes: StepTimeRow[];
  queue: QueueTiming;
  hyperband: { R: number; eta: number; trainCount: number; validationCount: number; space: SearchSpace; totals: { trainings: number; budget: number }; seed: number; searches: PackSearch[] };
}

const toModelConfig = (c: Configuration): ModelConfig => ({ seed: c.seed as number, lr: c.lr as number, momentum: c.momentum as number, batchSize: c.batchSize as number });

/** Times packed against sequential steps, then runs Hyperband and pack-aware Hyperband; returns the plain measurement. */
export async function measurePack(ctx: ExperimentContext, s: PackRunSettings): Promise<PackMeasurement> {
  const { seed, R, repeats } = s;
  const previousBackend = t.getBackend();
  const backend = await t.setBackend(s.backend);
  try {
    // (a) step times
    const architectures = s.stepModels.map((m) => (m === 'mlp' ? mlpArchitecture([784, 256, 10]) : lenet5Architecture()));
    const steps: StepTimeRow[] = [];
    const bar = ctx.progress('pack: step times', architectures.length * s.ks.length);
    for (const architecture of architectures) {
      for (const k of s.ks) {
        steps.push(...(await compareStepTimes({ architecture, ks: [k], batchSize: 64, repeats, warmup: 2, seed })));
        bar.tick();
      }
    }
    bar.done();
    const queue = await compareQueueReadback({ architectures: [mlpArchitecture([784, 256, 10]), mlpArchitecture([784, 128, 64, 10])], k: 2, batchSize: 64, repeats });

    // (b) Hyperband vs pack-aware Hyperband on MNIST subsets
    const mnist = await loadMnist();
    const n = mnist.train.count;
    const train = t.train.headOf(mnist.train, s.trainCount);
    // The validation images come from the end of the training split; the test split stays untouched.
    const validation = t.train.subsetOf(mnist.train, Uint32Array.from({ length: s.validationCount }, (_, i) => n - s.validationCount + i));
    const setup: EvaluatorSetup = { architecture: mlpArchitecture([784, 64, 10]), train, validation, toModelConfig, seed, paddingMode: 'own-batches' };
    const searches: PackSearch[] = [];
    for (const [name, evaluator, packing] of [
      ['original (each configuration alone)', singleModelEvaluator(setup), undefined],
      ['pack-aware (kNN within a batch size, packs of ≤ 4)', packedEvaluator(setup), { policy: 'knn' as const, topk: 3, distance: configurationDistance(PACK_SEARCH_SPACE), key: (c: Configuration) => samePaddingKey(toModelConfig(c)) }],
    ] as const) {
      const progress = ctx.progress(`pack: hyperband ${name.split(' ')[0]}`, hyperbandSchedule(R, 3).reduce((sum, b) => sum + b.rungs.length, 0));
      const r = await hyperband({ R, eta: 3, space: PACK_SEARCH_SPACE, seed, executor: inProcessExecutor(evaluator), packing, onRung: () => progress.tick() });
      progress.done();
      ctx.log(`pack: ${name}: ${(r.wallMs / 1000).toFixed(1)} s, best accuracy ${r.best?.score.toFixed(4)} with ${JSON.stringify(r.best?.config)}`);
      searches.push({
        name,
        wallMs: r.wallMs,
        timeToBestMs: r.timeToBestMs,
        trainings: r.trainings,
        epochs: r.budgetUsed,
        best: r.best,
        rungs: r.rungs.map(({ trials, ...rest }) => ({ ...rest, scores: trials.map((tr) => [tr.id, tr.score] as [number, number]) })),
      });
    }
    return {
      backend,
      repeats,
      ks: [...s.ks],
      architectures: architectures.map((a) => a.name),
      stepTimes: steps,
      queue,
      hyperband: { R, eta: 3, trainCount: s.trainCount, validationCount: s.validationCount, space: PACK_SEARCH_SPACE, totals: scheduleTotals(hyperbandSchedule(R, 3)), seed, searches },
    };
  } finally {
    if (previousBackend && previousBackend !== t.getBackend()) await t.setBackend(previousBackend);
  }
}
