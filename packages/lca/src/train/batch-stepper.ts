// Mini-batch training in the order the LCA reference uses: a seeded permutation, reshuffled when the next batch would not fit.
import * as t from '@nnlab/tensor-gpu';

/** Options of {@link batchStepper}. */
export interface BatchStepperOptions {
  /** Updates the model's trainable parameters (e.g. `t.optim.sgd({ lr: 0.01, momentum: 0.9 })`). */
  optimizer: t.optim.StepOptimizer;
  /** Samples per step. */
  batchSize: number;
  /** Seed of the first permutation; the k-th reshuffle uses `seed + k`. */
  seed: number;
  /** Shape of one sample as the model takes it (default `data.shape`; `[784]` for an MLP on MNIST). */
  inputShape?: readonly number[];
  /** Training loss (default: softmax cross-entropy over logits). */
  loss?: t.train.LossFunction;
}

/** One training step per call of `step`. */
export interface BatchStepper {
  /** Trains on the next batch (in training mode) and returns its loss, a scalar tensor the caller disposes. */
  step(): t.Tensor;
}

/**
 * Steps through `data` in batches of `batchSize`: the order is `t.data.permutation(count, seed)`,
 * reshuffled in place with `seed + k` at the k-th time the next batch would run past the end
 * (the remainder is skipped), so every batch is full. Each step is one `t.train.trainStep`.
 *
 * @throws Error when the data is inconsistent, `batchSize` is not an integer in [1, count] or the optimizer lacks `step`.
 */
export function batchStepper(model: t.nn.Module, data: t.train.LabeledData, options: BatchStepperOptions): BatchStepper {
  const owner = 'batchStepper';
  const { sampleSize, inputShape } = t.train.checkLabeledData(data, owner, 'data', options.inputShape);
  const { batchSize, seed, optimizer } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > data.count) {
    throw new Error(`${owner}: batchSize must be an integer in [1, ${data.count}] (the sample count), got ${String(batchSize)}`);
  }
  if (!Number.isInteger(seed)) throw new Error(`${owner}: seed must be an integer, got ${String(seed)}`);
  if (!optimizer || typeof optimizer.step !== 'function') throw new Error(`${owner}: optimizer must have step(params, grads)`);
  const order = t.data.permutation(data.count, seed);
  let pos = 0;
  let reshuffles = 0;
  return {
    step() {
      if (pos + batchSize > data.count) {
        t.data.shuffleInPlace(order, seed + ++reshuffles);
        pos = 0;
      }
      const indices = order.subarray(pos, pos + batchSize);
      pos += batchSize;
      const { x, y } = t.data.gatherBatch(data.images, data.labels as Uint8Array, indices, sampleSize);
      model.train();
      return t.tidy(() => t.train.trainStep(model, t.tensor(x, [indices.length, ...inputShape]), y, { optimizer, loss: options.loss }));
    },
  };
}
