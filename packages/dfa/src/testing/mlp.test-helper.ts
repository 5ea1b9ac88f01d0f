// Test helper (not part of the library): small float64 networks whose values are exactly
// representable in float32, and their tensor-gpu twins with identical weights.
import * as t from '@nnlab/tensor-gpu';
import type { Float64Mlp } from '../reference/float64-mlp';

/** A seeded float64 MLP with float32-representable weights (so both paths start from the same numbers). */
export function randomMlp(sizes: readonly number[], seed: number, activation: Float64Mlp['activation'] = 'tanh', scale = 1): Float64Mlp {
  const rng = t.data.createRng(seed);
  const draw = (n: number, bound: number) => Float64Array.from({ length: n }, () => Math.fround((2 * rng() - 1) * bound));
  const weights: Float64Array[] = [];
  const biases: Float64Array[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const bound = scale / Math.sqrt(sizes[l]);
    weights.push(draw(sizes[l + 1] * sizes[l], bound));
    biases.push(draw(sizes[l + 1], bound));
  }
  return { sizes, weights, biases, activation };
}

/** Seeded float32-representable values. */
export function randomValues(n: number, seed: number, bound = 1): Float64Array {
  const rng = t.data.createRng(seed);
  return Float64Array.from({ length: n }, () => Math.fround((2 * rng() - 1) * bound));
}

/** The same network as a tensor-gpu Sequential (Linear + activation, ..., Linear). */
export function toSequential(net: Float64Mlp): t.nn.Sequential {
  const layers: t.nn.Module[] = [];
  net.weights.forEach((w, l) => {
    const linear = new t.nn.Linear(net.sizes[l], net.sizes[l + 1], { seed: l });
    linear.weight.assign(t.tensor(Float32Array.from(w), [net.sizes[l + 1], net.sizes[l]]));
    linear.bias!.assign(t.tensor(Float32Array.from(net.biases[l]), [net.sizes[l + 1]]));
    layers.push(linear);
    if (l + 1 < net.weights.length) layers.push(net.activation === 'tanh' ? new t.nn.Tanh() : new t.nn.ReLU());
  });
  return new t.nn.Sequential(...layers);
}

/** B_l := W_{l+1}ᵀ as a row-major `[n_l, C]` matrix (W_{l+1} is `[C, n_l]`). */
export function transposed(w: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = w[i * cols + j];
  return out;
}

/** max |a − b| / max |b|. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`relativeError: lengths ${a.length} and ${b.length} differ`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Reads every tensor and disposes it. */
export async function readAll(tensors: readonly t.Tensor[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const x of tensors) out.push(await x.data());
  t.dispose(tensors);
  return out;
}

/** FNV-1a over the bytes of a Float32Array (a fingerprint of a matrix). */
export function hashFloats(values: Float32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h.toString(16);
}

/**
 * A perturbation of W_{l+1} (`[out, inp]`) invisible to the forward pass on this batch:
 * `scale · v uᵀ` with u orthogonal to every row of `h` (`[n, inp]`, n < inp), so W_{l+1}·h_l is
 * unchanged up to rounding while W_{l+1} itself changes by O(scale).
 */
export function nullSpacePerturbation(h: Float64Array, n: number, inp: number, out: number, seed: number, scale = 0.5): Float64Array {
  const u = randomValues(inp, seed);
  const rows = Array.from({ length: n }, (_, i) => Array.from(h.subarray(i * inp, (i + 1) * inp)));
  // Orthonormalise the rows, then remove their span from u (modified Gram–Schmidt).
  const basis: number[][] = [];
  for (const r of rows) {
    const v = [...r];
    for (const b of basis) {
      const d = v.reduce((s, x, k) => s + x * b[k], 0);
      for (let k = 0; k < inp; k++) v[k] -= d * b[k];
    }
    const norm = Math.hypot(...v);
    if (norm > 1e-12) basis.push(v.map((x) => x / norm));
  }
  for (const b of basis) {
    const d = u.reduce((s, x, k) => s + x * b[k], 0);
    for (let k = 0; k < inp; k++) u[k] -= d * b[k];
  }
  const v = randomValues(out, seed + 1);
  const p = new Float64Array(out * inp);
  for (let j = 0; j < out; j++) for (let k = 0; k < inp; k++) p[j * inp + k] = scale * v[j] * u[k];
  return p;
}
