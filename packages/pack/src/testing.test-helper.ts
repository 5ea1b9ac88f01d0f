// Test helpers (not part of the library): single-model reference training and comparisons.
import * as t from '@nnlab/tensor-gpu';
import { buildModel, type Architecture } from './model/architecture';
import { resolveConfig, singleModelOptimizer, type ModelConfig } from './model/config';

/** One batch for a single model: `n` samples. */
export interface HostBatch {
  x: Float32Array;
  labels: Int32Array;
  n: number;
}

/** Trains one model alone, the ordinary way (tensor-gpu's sgd/adam, crossEntropy), on `batches`; returns its parameter values. */
export async function trainAlone(arch: Architecture, config: ModelConfig, batches: readonly HostBatch[]): Promise<Float32Array[]> {
  const c = resolveConfig(config, 0);
  const model = buildModel(arch, c.seed);
  const optimizer = singleModelOptimizer(c);
  const params = model.parameters();
  for (const b of batches) {
    t.tidy(() => {
      t.train.trainStep(model, t.tensor(b.x, [b.n, ...arch.inputShape]), b.labels, { optimizer, parameters: params });
    });
  }
  const values = await Promise.all(params.map((p) => p.value.data()));
  optimizer.dispose();
  model.dispose();
  return values;
}

/** Model k's slice of every packed parameter. */
export async function packedSlices(network: t.nn.Module, k: number, models: number): Promise<Float32Array[]> {
  return Promise.all(
    network.parameters().map(async (p) => {
      const all = await p.value.data();
      const per = all.length / models;
      return all.slice(k * per, (k + 1) * per);
    }),
  );
}

/** max |a − b| / max |b| over one tensor. */
export function relativeError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / Math.max(scale, 1e-30);
}

/** The largest {@link relativeError} over matching tensors. */
export function maxRelativeError(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  if (a.length !== b.length) throw new Error(`${a.length} vs ${b.length} tensors`);
  return Math.max(...a.map((x, i) => relativeError(x, b[i])));
}

/** Random data: `count` samples of `size` values in [0, 1) and labels in [0, classes). */
export function randomData(count: number, size: number, classes: number, seed: number): t.train.LabeledData & { labels: Int32Array } {
  const rng = t.data.createRng(seed);
  const images = Float32Array.from({ length: count * size }, () => rng());
  const labels = Int32Array.from({ length: count }, () => Math.floor(rng() * classes));
  return { images, labels, count, shape: [size] };
}

/** The rows `indices` of a data set as one batch. */
export function rowsOf(data: { images: Float32Array; labels: ArrayLike<number> }, size: number, indices: ArrayLike<number>): HostBatch {
  const x = new Float32Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  for (let r = 0; r < indices.length; r++) {
    x.set(data.images.subarray(indices[r] * size, (indices[r] + 1) * size), r * size);
    labels[r] = data.labels[indices[r]];
  }
  return { x, labels, n: indices.length };
}
