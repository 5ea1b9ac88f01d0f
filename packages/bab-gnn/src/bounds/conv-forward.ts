/**
 * The forward linear-bound step through a convolution (see {@link batchedForwardBounds}): every
 * output neuron's lower and upper linear functions of the input gather along its taps. The
 * functions are stored `[neuron, domain, input + 1]` as there; with image inputs they are large
 * (neurons × inputs per domain), which is why CROWN skips them for convolutional networks.
 */
import type { Conv2dLayer } from '../network/conv';

/** Linear functions of a layer's neurons: lower, upper `[n, B, s]` and term magnitudes `[n, B]`. */
export interface LinearFunctions {
  /** Lower functions. */
  readonly hL: Float64Array;
  /** Upper functions. */
  readonly hU: Float64Array;
  /** Magnitude of their terms. */
  readonly hMag: Float64Array;
}

/** Fills the output functions `z` (zeroed, `[outSize, B, s]`) of `conv(h) + bias`; `s` = inputs + 1 (constant last). */
export function convForwardLinear(layer: Conv2dLayer, h: LinearFunctions, z: { zL: Float64Array; zU: Float64Array; zMag: Float64Array }, B: number, s: number): void {
  const { offsets, inputs, weights } = layer.taps;
  const bs = B * s;
  for (let i = 0; i < layer.outSize; i++) {
    const o = i * bs;
    const bias = layer.bias[i];
    for (let b = 0; b < B; b++) {
      z.zL[o + b * s + s - 1] = bias;
      z.zU[o + b * s + s - 1] = bias;
      z.zMag[i * B + b] = Math.abs(bias);
    }
    for (let t = offsets[i]; t < offsets[i + 1]; t++) {
      const wij = weights[t];
      if (wij === 0) continue;
      const j = inputs[t];
      const src1 = wij > 0 ? h.hL : h.hU;
      const src2 = wij > 0 ? h.hU : h.hL;
      const q = j * bs;
      for (let c = 0; c < bs; c++) {
        z.zL[o + c] += wij * src1[q + c];
        z.zU[o + c] += wij * src2[q + c];
      }
      const aw = Math.abs(wij);
      for (let b = 0; b < B; b++) z.zMag[i * B + b] += aw * h.hMag[j * B + b];
    }
  }
}
