/** Uploading a batch of labelled samples. */
import * as t from '@nnlab/tensor-gpu';

/** Uploads the samples at `indices` as one tensor `[n, ...inputShape]`, with their labels. */
export function uploadBatch(data: t.train.LabeledData, indices: ArrayLike<number>, inputShape: readonly number[]): { x: t.Tensor; labels: Int32Array } {
  const { sampleSize } = t.train.checkLabeledData(data, 'uploadBatch', 'data', inputShape);
  const { x, y } = t.data.gatherBatch(data.images, data.labels as Uint8Array, indices, sampleSize);
  return { x: t.tensor(x, [indices.length, ...inputShape]), labels: y };
}
