/**
 * Interval arithmetic for many domains at once: values are stored neuron-major, `v[i·B + b]` for
 * neuron i of domain b, so that one affine layer is one pass over the weights with an inner loop
 * over the B domains.
 */
import { isConv, type AffineLayer } from '../network/network';
import { convAffineInterval } from './conv-ibp';
import { safeLower, safeUpper } from './float-safety';
import type { Box, Splits } from './types';

/** Intervals of one layer for B domains, neuron-major `[n, B]`. */
export interface BatchedInterval {
  /** Lower ends, `lower[i·B + b]`. */
  readonly lower: Float64Array;
  /** Upper ends, `upper[i·B + b]`. */
  readonly upper: Float64Array;
}

/** The input boxes of B domains as a neuron-major interval `[inputSize, B]`. */
export function boxesToInterval(boxes: readonly Box[], inputSize: number): BatchedInterval {
  const B = boxes.length;
  const lower = new Float64Array(inputSize * B);
  const upper = new Float64Array(inputSize * B);
  boxes.forEach((box, b) => {
    for (let i = 0; i < inputSize; i++) {
      lower[i * B + b] = box.lower[i];
      upper[i * B + b] = box.upper[i];
    }
  });
  return { lower, upper };
}

/** Interval of `W·h + b` for each of B domains' h in [hl, hu] (neuron-major), widened for rounding. */
export function batchedAffineInterval(layer: AffineLayer, h: BatchedInterval, B: number): BatchedInterval {
  if (isConv(layer)) return convAffineInterval(layer, h, B);
  const { weights: w, inSize, outSize } = layer;
  const lower = new Float64Array(outSize * B);
  const upper = new Float64Array(outSize * B);
  const mag = new Float64Array(B);
  // max(|lower|, |upper|) of every input, once rather than once per weight.
  const hMag = Float64Array.from(h.lower, (l, q) => Math.max(Math.abs(l), Math.abs(h.upper[q])));
  for (let i = 0; i < outSize; i++) {
    const o = i * B;
    const bias = layer.bias[i];
    lower.fill(bias, o, o + B);
    upper.fill(bias, o, o + B);
    mag.fill(Math.abs(bias));
    const row = i * inSize;
    for (let j = 0; j < inSize; j++) {
      const wij = w[row + j];
      if (wij === 0) continue;
      const src = j * B;
      const lo = wij > 0 ? h.lower : h.upper;
      const hi = wij > 0 ? h.upper : h.lower;
      const aw = Math.abs(wij);
      for (let b = 0; b < B; b++) {
        const a = wij * lo[src + b];
        const c = wij * hi[src + b];
        lower[o + b] += a;
        upper[o + b] += c;
        mag[b] += aw * hMag[src + b];
      }
    }
    for (let b = 0; b < B; b++) {
      lower[o + b] = safeLower(lower[o + b], mag[b]);
      upper[o + b] = safeUpper(upper[o + b], mag[b]);
    }
  }
  return { lower, upper };
}

/** Interval of a ReLU's output given its pre-activation interval and split state (−1 free, 0 inactive, 1 active). */
export function reluInterval(l: number, u: number, split: number): [number, number] {
  if (split === 0) return [0, 0];
  if (split === 1) return [l, u];
  return [Math.max(l, 0), Math.max(u, 0)];
}

/** The ReLU outputs of hidden layer k for B domains, each with its own splits (neuron-major). */
export function batchedReluInterval(z: BatchedInterval, splits: readonly (Splits | undefined)[], k: number, B: number): BatchedInterval {
  const lower = new Float64Array(z.lower.length);
  const upper = new Float64Array(z.upper.length);
  const n = z.lower.length / B;
  for (let i = 0; i < n; i++) {
    for (let b = 0; b < B; b++) {
      const s = splits[b] ? (splits[b] as Splits)[k][i] : -1;
      const [l, u] = reluInterval(z.lower[i * B + b], z.upper[i * B + b], s);
      lower[i * B + b] = l;
      upper[i * B + b] = u;
    }
  }
  return { lower, upper };
}

/** Domain b's column of a neuron-major `[n, B]` array, as its own `[n]` array. */
export function columnOf(values: Float64Array, b: number, B: number): Float64Array {
  const n = values.length / B;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = values[i * B + b];
  return out;
}
