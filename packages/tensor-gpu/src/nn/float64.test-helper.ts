// Plain float64 computations the nn tests compare against (deliberately naive loops).
import { splitmix32 } from '../random';

/** `n` seeded float32-representable values in [lo, hi). */
export function values(n: number, seed: number, lo = -1, hi = 1): Float64Array {
  const next = splitmix32(seed);
  return Float64Array.from({ length: n }, () => Math.fround(lo + (hi - lo) * next()));
}

/** `y = x Wᵀ + b` for x `[n, in]`, w `[out, in]`. */
export function linear(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | null, n: number, inF: number, outF: number): Float64Array {
  const y = new Float64Array(n * outF);
  for (let i = 0; i < n; i++) for (let o = 0; o < outF; o++) {
    let s = b ? b[o] : 0;
    for (let k = 0; k < inF; k++) s += x[i * inF + k] * w[o * inF + k];
    y[i * outF + o] = s;
  }
  return y;
}

/** Geometry of {@link conv2d}. */
export interface ConvGeom { n: number; c: number; h: number; w: number; o: number; kh: number; kw: number; stride: number; pad: number; dil: number; groups: number }

/** NCHW cross-correlation with bias, as PyTorch's `Conv2d`. Returns values and `[oh, ow]`. */
export function conv2d(x: ArrayLike<number>, wt: ArrayLike<number>, b: ArrayLike<number> | null, g: ConvGeom): { y: Float64Array; oh: number; ow: number } {
  const oh = Math.floor((g.h + 2 * g.pad - g.dil * (g.kh - 1) - 1) / g.stride) + 1;
  const ow = Math.floor((g.w + 2 * g.pad - g.dil * (g.kw - 1) - 1) / g.stride) + 1;
  const cg = g.c / g.groups;
  const og = g.o / g.groups;
  const y = new Float64Array(g.n * g.o * oh * ow);
  for (let n = 0; n < g.n; n++) for (let o = 0; o < g.o; o++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) {
    let s = b ? b[o] : 0;
    const grp = Math.floor(o / og);
    for (let ci = 0; ci < cg; ci++) for (let u = 0; u < g.kh; u++) for (let v = 0; v < g.kw; v++) {
      const yy = i * g.stride - g.pad + u * g.dil;
      const xx = j * g.stride - g.pad + v * g.dil;
      if (yy < 0 || yy >= g.h || xx < 0 || xx >= g.w) continue;
      s += x[((n * g.c + grp * cg + ci) * g.h + yy) * g.w + xx] * wt[((o * cg + ci) * g.kh + u) * g.kw + v];
    }
    y[((n * g.o + o) * oh + i) * ow + j] = s;
  }
  return { y, oh, ow };
}

/**
 * Batch norm over `[n, c, inner]` data (inner = H·W, or 1 for `[N, C]`): training mode uses the
 * batch mean and biased variance. Returns the output and the batch statistics (variance biased).
 */
export function batchNorm(x: ArrayLike<number>, gamma: ArrayLike<number>, beta: ArrayLike<number>, n: number, c: number, inner: number, eps: number, stats?: { mean: ArrayLike<number>; var: ArrayLike<number> }) {
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  const count = n * inner;
  for (let ch = 0; ch < c; ch++) {
    let s = 0;
    for (let i = 0; i < n; i++) for (let k = 0; k < inner; k++) s += x[(i * c + ch) * inner + k];
    mean[ch] = s / count;
    let q = 0;
    for (let i = 0; i < n; i++) for (let k = 0; k < inner; k++) q += (x[(i * c + ch) * inner + k] - mean[ch]) ** 2;
    variance[ch] = q / count;
  }
  const useMean = stats ? stats.mean : mean;
  const useVar = stats ? stats.var : variance;
  const y = new Float64Array(n * c * inner);
  for (let i = 0; i < n; i++) for (let ch = 0; ch < c; ch++) for (let k = 0; k < inner; k++) {
    const at = (i * c + ch) * inner + k;
    y[at] = ((x[at] - useMean[ch]) / Math.sqrt(useVar[ch] + eps)) * gamma[ch] + beta[ch];
  }
  return { y, mean, variance };
}

/** Max |a − e| / (atol + rtol·|e|) ≤ 1 check with a readable failure. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5, atol = 1e-6): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]))) {
      throw new Error(`index ${i}: got ${actual[i]}, expected ${expected[i]} (rtol ${rtol}, atol ${atol})`);
    }
  }
}
