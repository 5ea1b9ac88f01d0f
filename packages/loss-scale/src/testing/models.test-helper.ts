// Test helpers (not part of the library): small seeded models and batches.
import * as t from '@nnlab/tensor-gpu';

/** A seeded ReLU MLP through `widths`. */
export function mlp(widths: readonly number[], seed: number): t.nn.Sequential {
  const layers: t.nn.Module[] = [];
  for (let i = 0; i + 1 < widths.length; i++) {
    if (i > 0) layers.push(new t.nn.ReLU());
    layers.push(new t.nn.Linear(widths[i], widths[i + 1], { seed: seed + i }));
  }
  return new t.nn.Sequential(...layers);
}

/** A seeded batch: inputs `[n, ...shape]` ~ N(0, 1) and labels in [0, classes). */
export function batch(n: number, shape: readonly number[], classes: number, seed: number): { x: t.Tensor; labels: Int32Array } {
  const x = t.randn([n, ...shape], { seed });
  const labels = Int32Array.from({ length: n }, (_, i) => (i * 7 + seed) % classes);
  return { x, labels };
}

/** Float32 gradients of mean cross-entropy (scaled by `lossWeight`) with respect to every parameter. */
export function float32Grads(model: t.nn.Module, x: t.Tensor, labels: Int32Array, lossWeight = 1): t.Tensor[] {
  const params = model.parameters().map((p) => p.value);
  return t.grad((_ps: t.Tensor[]) => t.mul(t.crossEntropy(model.forward(x), labels), lossWeight))(params)[0];
}

/** Cosine similarity of two equally long arrays, in float64. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  // A gradient flushed entirely to zero points nowhere: similarity 0.
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

/** Largest |a − b| over max|b|. */
export function relativeMaxError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? err : err / scale;
}
