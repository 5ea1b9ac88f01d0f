/**
 * Interval arithmetic through a convolution for many domains at once (neuron-major `[n, B]`, as
 * in {@link batchedAffineInterval}): each output neuron gathers along its taps, so the cost is
 * outputs × kernel × B, never the dense matrix.
 */
import type { Conv2dLayer } from '../network/conv';
import { safeLower, safeUpper } from './float-safety';

/** Neuron-major intervals `[n, B]` (the shape of `BatchedInterval`). */
type Interval = { readonly lower: Float64Array; readonly upper: Float64Array };

/** Interval of `conv(h) + b` for each of B domains' h in [hl, hu] (neuron-major), widened for rounding. */
export function convAffineInterval(layer: Conv2dLayer, h: Interval, B: number): Interval {
  const { offsets, inputs, weights } = layer.taps;
  const outSize = layer.outSize;
  const lower = new Float64Array(outSize * B);
  const upper = new Float64Array(outSize * B);
  const mag = new Float64Array(B);
  const hMag = Float64Array.from(h.lower, (l, q) => Math.max(Math.abs(l), Math.abs(h.upper[q])));
  for (let i = 0; i < outSize; i++) {
    const o = i * B;
    const bias = layer.bias[i];
    lower.fill(bias, o, o + B);
    upper.fill(bias, o, o + B);
    mag.fill(Math.abs(bias));
    for (let t = offsets[i]; t < offsets[i + 1]; t++) {
      const wij = weights[t];
      if (wij === 0) continue;
      const src = inputs[t] * B;
      const lo = wij > 0 ? h.lower : h.upper;
      const hi = wij > 0 ? h.upper : h.lower;
      const aw = Math.abs(wij);
      for (let b = 0; b < B; b++) {
        lower[o + b] += wij * lo[src + b];
        upper[o + b] += wij * hi[src + b];
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
