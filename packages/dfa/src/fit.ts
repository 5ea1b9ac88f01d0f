import * as t from '@nnlab/tensor-gpu';
import { measureAlignment, type LayerAlignment } from './alignment';
import type { DfaNetwork } from './network';

/** Options of {@link fitDfa}. */
export interface DfaFitOptions {
  /** Passes over the data. */
  epochs: number;
  /** Samples per step. */
  batchSize: number;
  /** The optimizer (e.g. `t.optim.sgd({ lr, momentum })`); the caller disposes it. */
  optimizer: t.optim.StepOptimizer;
  /** Seed of the shuffling; default 0. */
  seed?: number;
  /** Measure the alignment with BP every this many steps (before the step, on its batch); default never. */
  alignmentEvery?: number;
  /** Called after every step with the epoch, the step within it and the steps per epoch. */
  onStep?(epoch: number, step: number, stepsPerEpoch: number): void;
  /** Called after every epoch (e.g. to evaluate); its time is not counted in the epoch's time. */
  onEpoch?(record: DfaEpochRecord): void | Promise<void>;
}

/** One epoch of {@link fitDfa}. */
export interface DfaEpochRecord {
  /** Epoch index from 0. */
  epoch: number;
  /** Mean training loss over the epoch's steps. */
  loss: number;
  /** Seconds of training in this epoch (alignment measurements and callbacks excluded). */
  seconds: number;
}

/** One alignment measurement of {@link fitDfa}. */
export interface AlignmentRecord {
  /** Steps taken before the measurement. */
  step: number;
  /** Fraction of an epoch taken before the measurement. */
  epoch: number;
  /** Per hidden block. */
  layers: LayerAlignment[];
}

/** What {@link fitDfa} returns. */
export interface DfaFitHistory {
  /** Per epoch. */
  epochs: DfaEpochRecord[];
  /** Alignment measurements, in order (empty unless `alignmentEvery` was set). */
  alignment: AlignmentRecord[];
}

function checkPositiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`fitDfa: options.${name} must be a positive integer, got ${String(value)}`);
  return value;
}

/**
 * Trains a {@link DfaNetwork} on labelled samples with shuffled mini-batches: each step computes
 * the DFA/BP/hybrid gradients and applies the optimizer. Losses stay on the device until the
 * epoch's end. Deterministic for a given seed, initial weights and backend.
 *
 * @throws Error for inconsistent data or bad options.
 */
export async function fitDfa(network: DfaNetwork, data: t.train.LabeledData, options: DfaFitOptions): Promise<DfaFitHistory> {
  if (!options || typeof options !== 'object') throw new Error('fitDfa: expected options { epochs, batchSize, optimizer }');
  const epochs = checkPositiveInt(options.epochs, 'epochs');
  const batchSize = checkPositiveInt(options.batchSize, 'batchSize');
  const alignmentEvery = options.alignmentEvery === undefined ? 0 : checkPositiveInt(options.alignmentEvery, 'alignmentEvery');
  if (!options.optimizer || typeof options.optimizer.step !== 'function') throw new Error('fitDfa: options.optimizer must be a tensor-gpu Optimizer');
  const { sampleSize } = t.train.checkLabeledData(data, 'fitDfa', 'data', network.options.inputShape);
  const rng = t.data.createRng(options.seed ?? 0);
  const order = Uint32Array.from({ length: data.count }, (_, i) => i);
  const stepsPerEpoch = Math.ceil(data.count / batchSize);
  const history: DfaFitHistory = { epochs: [], alignment: [] };
  let globalStep = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    t.data.shuffleInPlace(order, rng);
    let seconds = 0;
    let lossSum: t.Tensor = t.zeros([]);
    let step = 0;
    for (const indices of t.data.batches(order, batchSize)) {
      const { x: host, y } = t.data.gatherBatch(data.images, data.labels as Uint8Array, indices, sampleSize);
      const x = t.tensor(host, [indices.length, ...network.options.inputShape]);
      try {
        if (alignmentEvery > 0 && globalStep % alignmentEvery === 0) {
          history.alignment.push({ step: globalStep, epoch: globalStep / stepsPerEpoch, layers: await measureAlignment(network, x, y) });
        }
        const start = performance.now();
        const loss = network.step(x, y, options.optimizer);
        const next = t.add(lossSum, loss);
        loss.dispose();
        lossSum.dispose();
        lossSum = next;
        seconds += (performance.now() - start) / 1000;
      } finally {
        x.dispose();
      }
      step++;
      globalStep++;
      options.onStep?.(epoch, step, stepsPerEpoch);
    }
    // Reading the loss forces the device to finish the epoch's work, which is training time too.
    const start = performance.now();
    const total = (await lossSum.data())[0];
    lossSum.dispose();
    seconds += (performance.now() - start) / 1000;
    const record = { epoch, loss: total / stepsPerEpoch, seconds };
    history.epochs.push(record);
    await options.onEpoch?.(record);
  }
  return history;
}
