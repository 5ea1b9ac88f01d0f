/** A mini-batch training loop whose loss may read the model's parameters (for regularisers). */
import * as t from '@nnlab/tensor-gpu';
import { uploadBatch } from './data';

/** Options of {@link trainEpochs}. */
export interface TrainEpochsOptions {
  /** Passes over the data. */
  epochs: number;
  /** Samples per step. */
  batchSize: number;
  /** The update rule (e.g. `t.optim.sgd`, `proxCompressibility`, or one wrapped by `maskedOptimizer`). */
  optimizer: t.optim.StepOptimizer;
  /** The training loss; a regularised one reads the parameters itself (see `withCompressibility`). */
  loss: t.train.LossFunction;
  /** Seed of the per-epoch shuffles (default 0). */
  seed?: number;
  /** Shape of one sample as the model takes it (default the data's shape; `[784]` for an MLP on MNIST). */
  inputShape?: readonly number[];
  /** Called after each step with the step count so far; return nothing. */
  onStep?: (step: number) => void;
  /** Read the loss back every this many steps (default 50; a read-back synchronises the device). */
  lossEvery?: number;
}

/** What {@link trainEpochs} returns. */
export interface TrainEpochsResult {
  /** Steps taken. */
  steps: number;
  /** The loss at every read-back: `[step, loss]`. */
  losses: [number, number][];
}

/**
 * Trains `model` on shuffled mini-batches: each step uploads a batch, takes the loss and the
 * gradients of the trainable parameters, and lets the optimizer update them (`t.train.trainStep`);
 * every intermediate tensor is freed. Deterministic for a seed, initial weights and backend.
 */
export async function trainEpochs(model: t.nn.Module, data: t.train.LabeledData, options: TrainEpochsOptions): Promise<TrainEpochsResult> {
  const owner = 'trainEpochs';
  t.train.checkLabeledData(data, owner, 'data', options.inputShape);
  const { epochs, batchSize, optimizer, loss } = options;
  if (!Number.isInteger(epochs) || epochs < 0) throw new Error(`${owner}: epochs must be an integer ≥ 0, got ${String(epochs)}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`${owner}: batchSize must be a positive integer, got ${String(batchSize)}`);
  if (!optimizer || typeof optimizer.step !== 'function') throw new Error(`${owner}: optimizer must have step(params, grads)`);
  if (typeof loss !== 'function') throw new Error(`${owner}: loss must be a function (output, labels) => scalar tensor`);
  const inputShape = options.inputShape ?? data.shape;
  const lossEvery = options.lossEvery ?? 50;
  const params = model.trainableParameters();
  const rng = t.data.createRng(options.seed ?? 0);
  const order = Uint32Array.from({ length: data.count }, (_, i) => i);
  const result: TrainEpochsResult = { steps: 0, losses: [] };
  model.train();
  for (let epoch = 0; epoch < epochs; epoch++) {
    t.data.shuffleInPlace(order, rng);
    for (const indices of t.data.batches(order, batchSize)) {
      const value = t.tidy(() => {
        const { x, labels } = uploadBatch(data, indices, inputShape);
        return t.train.trainStep(model, x, labels, { optimizer, loss, parameters: params });
      });
      result.steps++;
      if (result.steps % lossEvery === 0) result.losses.push([result.steps, (await value.data())[0]]);
      value.dispose();
      options.onStep?.(result.steps);
    }
  }
  return result;
}
