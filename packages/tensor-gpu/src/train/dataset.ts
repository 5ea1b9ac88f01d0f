import { gatherBatch } from '../data/batching';
import { fromHost } from '../ops/creation';
import type { Engine } from '../engine';
import { fmt } from '../shape';
import type { Tensor } from '../tensor';
import type { LabeledData } from './types';

/** A data set checked once: values per sample and the shape the model takes one sample in. */
export interface CheckedData {
  /** Values per sample. */
  sampleSize: number;
  /** Shape of one sample as the model takes it. */
  inputShape: number[];
}

/**
 * Checks labelled data once: throws an error naming `fn` and `what` unless `data` is consistent
 * (`count` samples of `shape`, one label each) and `inputShape`, when given, holds one sample.
 * Returns the values per sample and the shape the model takes one sample in.
 */
export function checkLabeledData(data: LabeledData, fn: string, what: string, inputShape?: readonly number[]): CheckedData {
  if (!data || !(data.images instanceof Float32Array) || !(data.labels instanceof Uint8Array || data.labels instanceof Int32Array)) {
    throw new Error(`${fn}: ${what} must be { images: Float32Array, labels: Uint8Array | Int32Array, count, shape }`);
  }
  const { count, shape } = data;
  if (!Number.isInteger(count) || count < 1) throw new Error(`${fn}: ${what}.count must be a positive integer, got ${String(count)}`);
  if (!Array.isArray(shape) || shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error(`${fn}: ${what}.shape must list positive integers, got ${JSON.stringify(shape)}`);
  }
  const sampleSize = shape.reduce((a, b) => a * b, 1);
  if (data.images.length !== count * sampleSize) {
    throw new Error(`${fn}: ${what}.images has ${data.images.length} values, expected count × prod(shape) = ${count} × ${sampleSize}`);
  }
  if (data.labels.length !== count) throw new Error(`${fn}: ${what}.labels has ${data.labels.length} entries, expected ${count}`);
  const input = inputShape ? [...inputShape] : [...shape];
  if (input.reduce((a, b) => a * b, 1) !== sampleSize) {
    throw new Error(`${fn}: inputShape ${fmt(input)} does not hold one sample of shape ${fmt(shape)} (${sampleSize} values)`);
  }
  return { sampleSize, inputShape: input };
}

/** Checks `n` is a positive integer option. */
export function checkPositiveInteger(fn: string, name: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${fn}: ${name} must be a positive integer, got ${String(n)}`);
  return n;
}

/** A batch gathered on the host: its samples uploaded as `[n, ...inputShape]`, its labels on the host. */
export interface UploadedBatch {
  /** The samples, on the engine's current device (owned by the enclosing scope). */
  x: Tensor;
  /** The class ids. */
  labels: Int32Array;
}

/** Gathers the samples at `indices` on the host and uploads them as one tensor. */
export function uploadBatch(engine: Engine, data: LabeledData, indices: ArrayLike<number>, checked: CheckedData): UploadedBatch {
  // gatherBatch only indexes `labels` and reads its length, so Int32Array labels work as well.
  const { x, y } = gatherBatch(data.images, data.labels as Uint8Array, indices, checked.sampleSize);
  return { x: fromHost(engine, x, [indices.length, ...checked.inputShape]), labels: y };
}
