import * as t from '@nnlab/tensor-gpu';
import type { StepRecord } from '../record/recorder';
import type { MixedPrecisionTrainer } from './trainer';

/** Options of {@link trainEpochs}. */
export interface TrainEpochsOptions {
  /** Passes over the data. */
  epochs: number;
  /** Samples per step (a short last batch is dropped, so every step has the same size). */
  batchSize: number;
  /** Seed of the per-epoch shuffles (default 0). */
  seed?: number;
  /** Shape of one sample as the model takes it (default `data.shape`, e.g. `[784]` for an MLP on MNIST). */
  inputShape?: readonly number[];
  /** Stop after this many steps in total (default: no limit). */
  maxSteps?: number;
  /** Called after every step. */
  onStep?: (step: StepRecord) => void;
}

/**
 * Trains with `trainer` for `epochs` passes over `data` in seeded shuffled batches. Returns the
 * number of steps taken.
 */
export async function trainEpochs(trainer: MixedPrecisionTrainer<t.optim.StepOptimizer>, data: t.train.LabeledData, options: TrainEpochsOptions): Promise<number> {
  const where = 'trainEpochs';
  if (!data || !(data.images instanceof Float32Array) || !Number.isInteger(data.count) || data.count < 1) throw new Error(`${where}: data must be { images: Float32Array, labels, count ≥ 1, shape }`);
  if (!Number.isInteger(options.epochs) || options.epochs < 1) throw new Error(`${where}: epochs must be an integer ≥ 1, got ${String(options.epochs)}`);
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1 || options.batchSize > data.count) {
    throw new Error(`${where}: batchSize must be an integer in [1, ${data.count}], got ${String(options.batchSize)}`);
  }
  const sampleSize = data.shape.reduce((a, b) => a * b, 1);
  const inputShape = [...(options.inputShape ?? data.shape)];
  if (inputShape.reduce((a, b) => a * b, 1) !== sampleSize) throw new Error(`${where}: inputShape [${inputShape.join(', ')}] does not hold one sample of ${sampleSize} values`);
  const maxSteps = options.maxSteps ?? Infinity;
  const rng = t.data.createRng(options.seed ?? 0);
  let steps = 0;
  for (let epoch = 0; epoch < options.epochs && steps < maxSteps; epoch++) {
    const order = t.data.permutation(data.count, rng);
    for (const indices of t.data.batches(order, options.batchSize, { dropLast: true })) {
      if (steps >= maxSteps) break;
      const { x, y } = t.data.gatherBatch(data.images, data.labels as Uint8Array, indices, sampleSize);
      const input = t.tensor(x, [indices.length, ...inputShape]);
      try {
        const record = await trainer.step(input, Int32Array.from(y));
        options.onStep?.(record);
      } finally {
        input.dispose();
      }
      steps++;
    }
  }
  return steps;
}
