/**
 * The backward (CROWN) step through a convolution: the linear coefficients Λ `[R, outSize]` of
 * every row go through the transposed convolution (a scatter along the layer's taps), and each
 * row's constant takes `Λ·bias`. Zero coefficients (inactive ReLUs, unit rows of intermediate
 * bounds) are skipped, so a unit row costs one kernel per layer, not the whole image.
 */
import type { Conv2dLayer } from '../network/conv';

/**
 * `Λ·W` through the convolution for Λ `[R, outSize]` (row-major), adding `Λ·bias` and its magnitude
 * to each row. Mostly-zero Λ (unit rows) scatters row by row, skipping zeros; denser Λ goes
 * neuron-major, so that each tap updates all rows in one contiguous inner loop.
 */
export function convThroughAffine(layer: Conv2dLayer, lambda: Float64Array, R: number, constant: Float64Array, magnitude: Float64Array): Float64Array {
  let nonzero = 0;
  for (let q = 0; q < lambda.length; q++) if (lambda[q] !== 0) nonzero++;
  return nonzero * 8 < lambda.length ? scatterRows(layer, lambda, R, constant, magnitude) : allRowsPerTap(layer, lambda, R, constant, magnitude);
}

function scatterRows(layer: Conv2dLayer, lambda: Float64Array, R: number, constant: Float64Array, magnitude: Float64Array): Float64Array {
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

function allRowsPerTap(layer: Conv2dLayer, lambda: Float64Array, R: number, constant: Float64Array, magnitude: Float64Array): Float64Array {
  const { offsets, inputs, weights } = layer.taps;
  const { inSize, outSize: n, bias } = layer;
  // Λ neuron-major [n, R]; a neuron whose coefficients are all zero is skipped.
  const t = new Float64Array(n * R);
  const used = new Uint8Array(n);
  for (let r = 0; r < R; r++) {
    for (let i = 0; i < n; i++) {
      const v = lambda[r * n + i];
      if (v === 0) continue;
      t[i * R + r] = v;
      used[i] = 1;
    }
  }
  const out = new Float64Array(inSize * R);
  for (let i = 0; i < n; i++) {
    if (!used[i]) continue;
    const base = i * R;
    const b = bias[i];
    for (let r = 0; r < R; r++) {
      const c = t[base + r] * b;
      constant[r] += c;
      magnitude[r] += Math.abs(c);
    }
    for (let q = offsets[i]; q < offsets[i + 1]; q++) {
      const w = weights[q];
      const jb = inputs[q] * R;
      for (let r = 0; r < R; r++) out[jb + r] += w * t[base + r];
    }
  }
  const next = new Float64Array(R * inSize);
  for (let j = 0; j < inSize; j++) for (let r = 0; r < R; r++) next[r * inSize + j] = out[j * R + r];
  return next;
}
