import * as t from '@nnlab/tensor-gpu';

/**
 * Checks that labelled data (tensor-gpu's `LabeledData`) holds `count` whole samples of
 * `sampleSize` values, all finite, each with a class id; returns the sample count.
 */
export function checkDataset(data: t.train.LabeledData, sampleSize: number, what = 'data'): number {
  if (!data || !(data.images instanceof Float32Array)) throw new Error(`${what}.images must be a Float32Array`);
  const count = data.labels?.length;
  if (!Number.isInteger(count) || count < 1) throw new Error(`${what}.labels must be a non-empty array of class ids`);
  if (data.images.length !== count * sampleSize) throw new Error(`${what}.images must hold labels.length × ${sampleSize} = ${count * sampleSize} values, got ${data.images.length}`);
  if (data.count !== count) throw new Error(`${what}.count is ${String(data.count)} but labels hold ${count} samples`);
  for (let i = 0; i < data.images.length; i++) {
    if (!Number.isFinite(data.images[i])) throw new Error(`${what}.images[${i}] is ${data.images[i]} (sample ${Math.floor(i / sampleSize)}); inputs must be finite`);
  }
  for (let i = 0; i < count; i++) {
    const c = data.labels[i];
    if (!Number.isInteger(c) || c < 0) throw new Error(`${what}.labels[${i}] is ${c}; labels must be class ids (integers ≥ 0)`);
  }
  return count;
}

/** The sample order of epoch `epoch`: a permutation of `0 .. count−1` from (seed, epoch), the same for every model. */
export function epochOrder(count: number, seed: number, epoch: number): Uint32Array {
  return t.data.permutation(count, t.nn.deriveSeed(seed, epoch));
}

/** Copies the samples at `indices` into `out` from `offset` (values) and their labels into `labels` from `labelOffset`. */
export function gatherInto(data: t.train.LabeledData, sampleSize: number, indices: ArrayLike<number>, out: Float32Array, offset: number, labels: Int32Array, labelOffset: number): void {
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r];
    out.set(data.images.subarray(i * sampleSize, (i + 1) * sampleSize), offset + r * sampleSize);
    labels[labelOffset + r] = data.labels[i];
  }
}

/** The samples at `indices` as one new batch: values `[n · sampleSize]` and labels `[n]`. */
export function gatherBatch(data: t.train.LabeledData, sampleSize: number, indices: ArrayLike<number>): { x: Float32Array; labels: Int32Array } {
  const x = new Float32Array(indices.length * sampleSize);
  const labels = new Int32Array(indices.length);
  gatherInto(data, sampleSize, indices, x, 0, labels, 0);
  return { x, labels };
}
