import type { StepOptimizer } from '../optim/optimizer';
import type { Tensor } from '../tensor';

/**
 * Labelled samples held on the host, the one shape of training data across the packages (the
 * loaders' `ImageSplit` is one): `count` samples of `shape` (e.g. `[1, 28, 28]`), row-major, and
 * one integer class id each.
 */
export interface LabeledData {
  /** `count × prod(shape)` values. */
  images: Float32Array;
  /** One class id per sample. */
  labels: Uint8Array | Int32Array;
  /** Number of samples. */
  count: number;
  /** Shape of one sample. */
  shape: readonly number[];
}

/** A loss: model output `[batch, ...]` and the batch's class ids → a scalar tensor (mean over the batch). */
export type LossFunction = (output: Tensor, labels: Int32Array) => Tensor;

/** What `fit` reports each time it reads the loss back. */
export interface FitProgress {
  /** Epoch index, from 0. */
  epoch: number;
  /** Steps completed in this epoch (1 … `stepsPerEpoch`). */
  step: number;
  /** Optimizer steps per epoch. */
  stepsPerEpoch: number;
  /** Steps completed since `fit` started. */
  globalStep: number;
  /** Mean training loss over the steps since the previous report. */
  loss: number;
  /** Milliseconds since `fit` started. */
  elapsedMs: number;
  /** At the end of an epoch that evaluated the validation data: its loss and accuracy. */
  validation?: EvaluateResult;
}

/** Options of `fit`. */
export interface FitOptions {
  /** Passes over the data. */
  epochs: number;
  /** Samples per optimizer step. */
  batchSize: number;
  /** Updates the model's trainable parameters. */
  optimizer: StepOptimizer;
  /** Seed of the per-epoch shuffling (default 0): the same seed and backend give identical weights. */
  seed?: number;
  /** Training loss (default: softmax cross-entropy over logits). */
  loss?: LossFunction;
  /** Called after every loss read-back (every `lossEvery` steps and at each epoch's end). */
  onProgress?: (progress: FitProgress) => void;
  /** Read the loss back every this many steps (default 50); reading forces the device to finish its queue. */
  lossEvery?: number;
  /** Held-out data evaluated (in eval mode) every `evalEvery` epochs and after the last one. */
  validation?: LabeledData;
  /** Epochs between validation runs (default 1). */
  evalEvery?: number;
  /** Shape of one sample as the model takes it (default `data.shape`; e.g. `[784]` for an MLP on MNIST). */
  inputShape?: readonly number[];
  /** Skip the last, smaller batch of each epoch (default false; a smaller batch compiles its own kernels once). */
  dropLast?: boolean;
  /** Batch size of the validation runs (default 256). */
  evalBatchSize?: number;
}

/** The record of one epoch of `fit`. */
export interface EpochRecord {
  /** Epoch index, from 0. */
  epoch: number;
  /** Mean training loss over the epoch's steps. */
  loss: number;
  /** Validation loss and accuracy, when evaluated after this epoch. */
  validation?: EvaluateResult;
  /** Milliseconds since `fit` started, at the end of this epoch (validation included). */
  elapsedMs: number;
}

/** What `fit` returns. */
export interface FitHistory {
  /** One record per epoch. */
  epochs: EpochRecord[];
  /** Every loss read-back, in order. */
  losses: { epoch: number; globalStep: number; loss: number }[];
  /** Optimizer steps taken. */
  steps: number;
  /** Total milliseconds. */
  elapsedMs: number;
}

/** Options of `evaluate`. */
export interface EvaluateOptions {
  /** Samples per forward pass (default 256). */
  batchSize?: number;
  /** Loss to report (default: softmax cross-entropy over logits). */
  loss?: LossFunction;
  /** Shape of one sample as the model takes it (default `data.shape`). */
  inputShape?: readonly number[];
}

/** What `evaluate` returns. */
export interface EvaluateResult {
  /** Mean loss per sample. */
  loss: number;
  /** Share of samples whose arg-max output is their label, in [0, 1]. */
  accuracy: number;
  /** Samples evaluated. */
  count: number;
}
