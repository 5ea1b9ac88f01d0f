// Test helpers (not exported by the package): seeded random vectors.
import * as t from '@nnlab/tensor-gpu';

/** Standard normal float64 values from a seeded generator (Box–Muller). */
export function gaussian(n: number, seed: number): Float64Array {
  const rng = t.data.createRng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = 1 - rng();
    const v = rng();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** Uniform integers in [0, n) from a seeded generator. */
export function randomInts(count: number, n: number, seed: number): Uint32Array {
  const rng = t.data.createRng(seed);
  return Uint32Array.from({ length: count }, () => Math.floor(rng() * n));
}

/** Largest |a − b| relative to max(|b|, floor). */
export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-12): number {
  let worst = 0;
  let scale = floor;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / scale);
  return worst;
}
