import { batches, shuffleInPlace } from '../data/batching';
import { createRng } from '../data/rng';
import type { Engine } from '../engine';
import type { Module } from '../nn/module';
import type { Parameter } from '../nn/parameter';
import type { StepOptimizer } from '../optim/optimizer';
import type { Tensor } from '../tensor';
import { DeviceSum } from './accumulator';
import { checkLabeledData, checkPositiveInteger, uploadBatch, type CheckedData } from './dataset';
import { engineOfModel } from './engine-of';
import { evaluate } from './evaluate';
import { softmaxCrossEntropy } from './loss';
import { trainStep } from './step';
import type { EpochRecord, FitHistory, FitOptions, LabeledData, LossFunction } from './types';

/**
 * Trains `model` on `data` with mini-batch gradient descent. Each step gathers a shuffled batch on
 * the host, uploads it, takes the loss and the gradients of the trainable parameters
 * (`valueAndGrad`), applies `options.optimizer`, and frees everything else, so `memory()` stays
 * flat. Losses are summed on the device and read back every `lossEvery` steps and at each epoch's
 * end (a read-back forces a sync). The model is in training mode while it trains and is left there.
 * Deterministic: the same seed, initial weights and backend give identical weights.
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 *
 * // 512 points in the plane, labelled by the sign of x₀ · x₁.
 * const images = t.data.createRng(1);
 * const points = Float32Array.from({ length: 1024 }, () => images() * 2 - 1);
 * const labels = Int32Array.from({ length: 512 }, (_, i) => (points[2 * i] * points[2 * i + 1] > 0 ? 1 : 0));
 * const data: t.train.LabeledData = { images: points, labels, count: 512, shape: [2] };
 *
 * const model = new t.nn.Sequential(new t.nn.Linear(2, 16, { seed: 1 }), new t.nn.ReLU(), new t.nn.Linear(16, 2, { seed: 2 }));
 * const history = await t.train.fit(model, data, { epochs: 30, batchSize: 32, seed: 3, optimizer: t.optim.adam({ lr: 0.01 }) });
 * const losses = history.epochs.map((e) => e.loss);
 * console.log(history.steps, losses[losses.length - 1] < losses[0] / 2); // → 480 true
 * const { accuracy } = await t.train.evaluate(model, data);
 * console.log(accuracy > 0.9); // → true
 * ```
 */
export async function fit(model: Module, data: LabeledData, options: FitOptions): Promise<FitHistory> {
  const engine = engineOfModel(model, 'fit');
  if (!options || typeof options !== 'object') throw new Error('fit: expected options { epochs, batchSize, optimizer, ... }');
  const checked = checkLabeledData(data, 'fit', 'data', options.inputShape);
  if (options.validation) checkLabeledData(options.validation, 'fit', 'validation', options.inputShape);
  const epochs = checkPositiveInteger('fit', 'epochs', options.epochs);
  const batchSize = checkPositiveInteger('fit', 'batchSize', options.batchSize);
  const lossEvery = checkPositiveInteger('fit', 'lossEvery', options.lossEvery ?? 50);
  const evalEvery = checkPositiveInteger('fit', 'evalEvery', options.evalEvery ?? 1);
  const { optimizer } = options;
  if (!optimizer || typeof optimizer.step !== 'function') throw new Error('fit: options.optimizer must be an Optimizer (e.g. optim.sgd({ lr }))');
  const lossFn = options.loss ?? softmaxCrossEntropy;
  const dropLast = options.dropLast ?? false;
  const params = model.trainableParameters();
  if (params.length === 0) throw new Error('fit: the model has no trainable parameters');
  const stepsPerEpoch = dropLast ? Math.floor(data.count / batchSize) : Math.ceil(data.count / batchSize);
  if (stepsPerEpoch === 0) throw new Error(`fit: dropLast with batchSize ${batchSize} leaves no batch from ${data.count} samples`);

  const rng = createRng(options.seed ?? 0);
  const order = Uint32Array.from({ length: data.count }, (_, i) => i);
  const history: FitHistory = { epochs: [], losses: [], steps: 0, elapsedMs: 0 };
  const window = new DeviceSum();
  const start = performance.now();
  model.train();
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      shuffleInPlace(order, rng);
      let epochLoss = 0;
      let step = 0;
      const report = async (validation?: EpochRecord['validation']) => {
        const { sum, count } = await window.take();
        const loss = count > 0 ? sum / count : NaN;
        epochLoss += sum;
        history.losses.push({ epoch, globalStep: history.steps, loss });
        options.onProgress?.({ epoch, step, stepsPerEpoch, globalStep: history.steps, loss, elapsedMs: performance.now() - start, validation });
      };
      for (const indices of batches(order, batchSize, { dropLast })) {
        window.add(stepOnBatch(model, data, indices, checked, params, lossFn, optimizer, engine));
        step++;
        history.steps++;
        if (step < stepsPerEpoch && history.steps % lossEvery === 0) await report();
      }
      const last = epoch === epochs - 1;
      const validation = options.validation && (last || (epoch + 1) % evalEvery === 0)
        ? await evaluate(model, options.validation, { batchSize: options.evalBatchSize, loss: lossFn, inputShape: options.inputShape })
        : undefined;
      model.train();
      await report(validation);
      history.epochs.push({ epoch, loss: epochLoss / stepsPerEpoch, validation, elapsedMs: performance.now() - start });
    }
  } finally {
    window.dispose();
    history.elapsedMs = performance.now() - start;
  }
  return history;
}

/** One optimizer step on the batch at `indices`; returns the batch loss (a scalar tensor, owned by the caller). */
function stepOnBatch(
  model: Module,
  data: LabeledData,
  indices: Uint32Array,
  checked: CheckedData,
  params: Parameter[],
  lossFn: LossFunction,
  optimizer: StepOptimizer,
  engine: Engine,
): Tensor {
  return engine.tidy(() => {
    const { x, labels } = uploadBatch(engine, data, indices, checked);
    return trainStep(model, x, labels, { optimizer, loss: lossFn, parameters: params });
  });
}
