// The labelled samples a module oracle evaluates the loss on.
import type * as t from '@nnlab/tensor-gpu';

/**
 * Labelled samples on the host (a tensor-gpu `ImageSplit` fits): `count` samples of `shape`,
 * row-major, and one integer class id each.
 */
export interface LcaData {
  /** `count × prod(shape)` values. */
  images: Float32Array;
  /** One class id per sample. */
  labels: Uint8Array | Int32Array;
  /** Number of samples. */
  count: number;
  /** Shape of one sample. */
  shape: readonly number[];
}

/** A loss: model output `[batch, …]` and the batch's class ids → a scalar tensor, the **mean** over the batch. */
export type LcaLoss = (output: t.Tensor, labels: Int32Array) => t.Tensor;

/** Throws a clear error unless `data` is consistent; returns the values per sample. */
export function checkLcaData(data: LcaData, inputShape: readonly number[] | undefined, owner: string): { sampleSize: number; inputShape: number[] } {
  if (!data || !(data.images instanceof Float32Array) || !(data.labels instanceof Uint8Array || data.labels instanceof Int32Array)) {
    throw new Error(`${owner}: data must be { images: Float32Array, labels: Uint8Array | Int32Array, count, shape }`);
  }
  const sampleSize = data.shape.reduce((a, b) => a * b, 1);
  if (!Number.isInteger(data.count) || data.count < 1 || data.images.length !== data.count * sampleSize || data.labels.length !== data.count) {
    throw new Error(`${owner}: data holds ${data.images.length} values and ${data.labels.length} labels, expected count × prod(shape) = ${data.count} × ${sampleSize} and ${data.count}`);
  }
  const input = [...(inputShape ?? data.shape)];
  if (input.reduce((a, b) => a * b, 1) !== sampleSize) throw new Error(`${owner}: inputShape [${input.join(', ')}] does not hold one sample of ${sampleSize} values`);
  return { sampleSize, inputShape: input };
}
