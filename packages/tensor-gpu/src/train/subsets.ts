import { gatherBatch } from '../data/batching';
import { checkLabeledData } from './dataset';
import type { LabeledData } from './types';

/** The first `count` samples of `data` (all of them when it holds fewer): views, no copy. */
export function headOf(data: LabeledData, count: number): LabeledData {
  const { sampleSize } = checkLabeledData(data, 'headOf', 'data');
  if (!Number.isInteger(count) || count < 1) throw new Error(`headOf: count must be a positive integer, got ${String(count)}`);
  const n = Math.min(count, data.count);
  return { images: data.images.subarray(0, n * sampleSize), labels: data.labels.subarray(0, n), count: n, shape: data.shape };
}

/** The samples of `data` at `indices`, in that order, copied into new arrays (labels as Int32Array). */
export function subsetOf(data: LabeledData, indices: ArrayLike<number>): LabeledData {
  const { sampleSize } = checkLabeledData(data, 'subsetOf', 'data');
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i];
    if (!Number.isInteger(k) || k < 0 || k >= data.count) throw new Error(`subsetOf: indices[${i}] = ${k} is not a sample index in [0, ${data.count})`);
  }
  if (indices.length === 0) throw new Error('subsetOf: indices must not be empty');
  const { x, y } = gatherBatch(data.images, data.labels as Uint8Array, indices, sampleSize);
  return { images: x, labels: y, count: indices.length, shape: data.shape };
}
