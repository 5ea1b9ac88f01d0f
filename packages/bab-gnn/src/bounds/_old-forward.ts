/**
 * Forward linear bound propagation ("symbolic intervals"): every neuron keeps a lower and an
 * upper linear function of the input, pushed forward layer by layer through the ReLU relaxations.
 * For networks with few inputs (ACAS Xu has 5) this costs O(n² · inputs) per layer instead of
 * backward propagation's O(n³ · depth), so it is the cheap intermediate-bound option of the search.
 */
import type { ReluNetwork } from '../network/network';
import { RELATIVE_MARGIN, ABSOLUTE_MARGIN } from './float-safety';
import { affineInterval } from './ibp';
import { defaultLowerSlope, splitOf, type Box, type LayerBounds, type Splits } from './types';

/**
 * Pre-activation bounds of every hidden layer by forward linear propagation, intersected with IBP
 * and with `prior` (bounds known to hold on a box containing this one, e.g. a parent domain's).
 */
export function forwardBounds(net: ReluNetwork, box: Box, splits?: Splits, prior?: LayerBounds): LayerBounds {
  const d = net.inputSize;
  const stride = d + 1; // coefficients then constant
  const lower: Float64Array[] = [];
  const upper: Float64Array[] = [];
  // Linear functions of the current layer's inputs, [n, d + 1], and the magnitude of their terms.
  let hL = new Float64Array(d * stride);
  let hU = new Float64Array(d * stride);
  let hMag = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    hL[i * stride + i] = 1;
    hU[i * stride + i] = 1;
    hMag[i] = Math.max(Math.abs(box.lower[i]), Math.abs(box.upper[i]));
  }
  let ibpL: Float64Array = box.lower;
  let ibpU: Float64Array = box.upper;
  for (let k = 0; k < net.layers.length - 1; k++) {
    const layer = net.layers[k];
    const n = layer.outSize;
    const zL = new Float64Array(n * stride);
    const zU = new Float64Array(n * stride);
    const zMag = new Float64Array(n);
    const w = layer.weights;
    for (let i = 0; i < n; i++) {
      const o = i * stride;
      zL[o + d] = layer.bias[i];
      zU[o + d] = layer.bias[i];
      let mag = Math.abs(layer.bias[i]);
      const row = i * layer.inSize;
      for (let j = 0; j < layer.inSize; j++) {
        const wij = w[row + j];
        if (wij === 0 || hMag[j] === 0) continue; // dead input: both of its functions are 0
        mag += Math.abs(wij) * hMag[j];
        const src1 = wij > 0 ? hL : hU;
        const src2 = wij > 0 ? hU : hL;
        const q = j * stride;
        for (let c = 0; c < stride; c++) {
          zL[o + c] += wij * src1[q + c];
          zU[o + c] += wij * src2[q + c];
        }
      }
      zMag[i] = mag;
    }
    const ibp = affineInterval(layer, ibpL, ibpU);
    const lo = new Float64Array(n);
    const up = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const o = i * stride;
      let vl = zL[o + d];
      let vu = zU[o + d];
      for (let c = 0; c < d; c++) {
        const a = zL[o + c];
        vl += a >= 0 ? a * box.lower[c] : a * box.upper[c];
        const b = zU[o + c];
        vu += b >= 0 ? b * box.upper[c] : b * box.lower[c];
      }
      const margin = RELATIVE_MARGIN * zMag[i] + ABSOLUTE_MARGIN;
      lo[i] = Math.max(vl - margin, ibp.lower[i], prior ? prior.lower[k][i] : -Infinity);
      up[i] = Math.min(vu + margin, ibp.upper[i], prior ? prior.upper[k][i] : Infinity);
    }
    lower.push(lo);
    upper.push(up);
    // Through the ReLUs.
    const nL = new Float64Array(n * stride);
    const nU = new Float64Array(n * stride);
    const nMag = new Float64Array(n);
    const nIbpL = new Float64Array(n);
    const nIbpU = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = splitOf(splits, k, i);
      const l = lo[i];
      const u = up[i];
      const o = i * stride;
      if (s === 0 || (s === -1 && u <= 0)) continue;
      if (s === 1 || (s === -1 && l >= 0)) {
        nL.set(zL.subarray(o, o + stride), o);
        nU.set(zU.subarray(o, o + stride), o);
        nMag[i] = zMag[i];
        nIbpL[i] = s === 1 ? l : Math.max(l, 0);
        nIbpU[i] = u;
        continue;
      }
      const slope = u / (u - l);
      const alpha = defaultLowerSlope(l, u);
      for (let c = 0; c < stride; c++) {
        nL[o + c] = alpha * zL[o + c];
        nU[o + c] = slope * zU[o + c];
      }
      nU[o + d] -= slope * l;
      nMag[i] = zMag[i] + Math.abs(slope * l);
      nIbpL[i] = 0;
      nIbpU[i] = u;
    }
    hL = nL;
    hU = nU;
    hMag = nMag;
    ibpL = nIbpL;
    ibpU = nIbpU;
  }
  return { lower, upper };
}
