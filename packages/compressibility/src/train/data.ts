/** Labelled samples on the host, and uploading a batch of them. */
import * as t from '@nnlab/tensor-gpu';

/** Labelled samples held on the host (an `ImageSplit` of `@nnlab/tensor-gpu` fits). */
export interface LabeledData {
  /** `count × prod(shape)` values, row-major. */
  images: Float32Array;
  /** One class id per sample. */
  labels: Uint8Array;
  /** Number of samples. */
  count: number;
  /** Shape of one sample, e.g. `[1, 28, 28]`. */
  shape: readonly number[];
}

/** Values per sample; throws a clear error for inconsistent data. */
export function sampleSizeOf(data: LabeledData, owner: string): number {
  if (!data || !(data.images instanceof Float32Array) || !(data.labels instanceof Uint8Array)) {
    throw new Error(`${owner}: data must be { images: Float32Array, labels: Uint8Array, count, shape }`);
  }
  const size = data.shape.reduce((a, b) => a * b, 1);
  if (!Number.isInteger(data.count) || data.count < 1 || data.images.length !== data.count * size || data.labels.length !== data.count) {
    throw new Error(`${owner}: data holds ${data.images.length} values and ${data.labels.length} labels, expected ${data.count} samples of ${size} values`);
  }
  return size;
}

/** The first `count` samples of `data` (views, no copy). */
export function headOf(data: LabeledData, count: number): LabeledData {
  const size = sampleSizeOf(data, 'headOf');
  const n = Math.min(count, data.count);
  return { images: data.images.subarray(0, n * size), labels: data.labels.subarray(0, n), count: n, shape: data.shape };
}

/** Uploads the samples at `indices` as one tensor `[n, ...inputShape]`, with their labels. */
export function uploadBatch(data: LabeledData, indices: ArrayLike<number>, inputShape: readonly number[]): { x: t.Tensor; labels: Int32Array } {
  const size = sampleSizeOf(data, 'uploadBatch');
  const { x, y } = t.data.gatherBatch(data.images, data.labels, indices, size);
  return { x: t.tensor(x, [indices.length, ...inputShape]), labels: y };
}
