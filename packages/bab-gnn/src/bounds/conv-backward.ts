/**
 * The backward (CROWN) step through a convolution: the linear coefficients Λ `[R, outSize]` of
 * every row go through the transposed convolution (a scatter along the layer's taps), and each
 * row's constant takes `Λ·bias`. Zero coefficients (inactive ReLUs, unit rows of intermediate
 * bounds) are skipped, so a unit row costs one kernel per layer, not the whole image.
 */
import type { Conv2dLayer } from '../network/conv';

/** `Λ·W` through the convolution for Λ `[R, outSize]` (row-major), adding `Λ·bias` and its magnitude to each row. */
export function convThroughAffine(layer: Conv2dLayer, lambda: Float64Array, R: number, constant: Float64Array, magnitude: Float64Array): Float64Array {
  const { offsets, inputs, weights } = layer.taps;
  const { inSize, outSize: n, bias } = layer;
  const next = new Float64Array(R * inSize);
  for (let r = 0; r < R; r++) {
    const lr = r * n;
    const nr = r * inSize;
    let c = 0;
    let mag = 0;
    for (let i = 0; i < n; i++) {
      const v = lambda[lr + i];
      if (v === 0) continue;
      const t = v * bias[i];
      c += t;
      mag += Math.abs(t);
      for (let q = offsets[i]; q < offsets[i + 1]; q++) next[nr + inputs[q]] += v * weights[q];
    }
    constant[r] += c;
    magnitude[r] += mag;
  }
  return next;
}
