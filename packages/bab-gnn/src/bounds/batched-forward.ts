/**
 * Forward linear bound propagation ("symbolic intervals") for many domains at once: every neuron
 * of every domain keeps a lower and an upper linear function of the input, pushed forward layer
 * by layer through the ReLU relaxations. For networks with few inputs (ACAS Xu has 5) this costs
 * O(n² · inputs) per layer and domain instead of backward propagation's O(n³ · depth), so it is the
 * cheap filter in front of CROWN. The functions are stored `[neuron, domain, input + 1]`, so one
 * layer is one pass over the weights with an inner loop over all domains' coefficients.
 */
import { isConv, type ReluNetwork } from '../network/network';
import { convForwardLinear } from './conv-forward';
import { ABSOLUTE_MARGIN, RELATIVE_MARGIN } from './float-safety';
import { batchedAffineInterval, batchedReluInterval, boxesToInterval, columnOf } from './batched-ibp';
import { defaultLowerSlope, type Box, type LayerBounds, type Splits } from './types';

/** One domain of a batched bound computation: its box, splits and bounds known on a superset. */
export interface BatchDomain {
  /** The input box. */
  readonly box: Box;
  /** ReLU splits (none: all free). */
  readonly splits?: Splits;
  /** Bounds valid on a box containing this one (a parent domain's), intersected into the new ones. */
  readonly prior?: LayerBounds;
}

/**
 * Pre-activation bounds of every hidden layer of every domain by forward linear propagation,
 * intersected with IBP and with each domain's `prior`. One {@link LayerBounds} per domain.
 */
export function batchedForwardBounds(net: ReluNetwork, domains: readonly BatchDomain[]): LayerBounds[] {
  const B = domains.length;
  const d = net.inputSize;
  const s = d + 1; // coefficients then constant
  const bs = B * s;
  const splits = domains.map((x) => x.splits);
  const out: LayerBounds[] = domains.map(() => ({ lower: [], upper: [] }));
  // Linear functions of the current layer's inputs, [n, B, d + 1], and the magnitude of their terms [n, B].
  let hL = new Float64Array(d * bs);
  let hU = new Float64Array(d * bs);
  let hMag = new Float64Array(d * B);
  let ibp = boxesToInterval(domains.map((x) => x.box), d);
  for (let i = 0; i < d; i++) {
    for (let b = 0; b < B; b++) {
      hL[i * bs + b * s + i] = 1;
      hU[i * bs + b * s + i] = 1;
      hMag[i * B + b] = Math.max(Math.abs(ibp.lower[i * B + b]), Math.abs(ibp.upper[i * B + b]));
    }
  }
  for (let k = 0; k < net.layers.length - 1; k++) {
    const layer = net.layers[k];
    const n = layer.outSize;
    const zL = new Float64Array(n * bs);
    const zU = new Float64Array(n * bs);
    const zMag = new Float64Array(n * B);
    if (isConv(layer)) convForwardLinear(layer, { hL, hU, hMag }, { zL, zU, zMag }, B, s);
    else {
      const w = layer.weights;
      for (let i = 0; i < n; i++) {
        const o = i * bs;
        const bias = layer.bias[i];
        for (let b = 0; b < B; b++) {
          zL[o + b * s + d] = bias;
          zU[o + b * s + d] = bias;
          zMag[i * B + b] = Math.abs(bias);
        }
        const row = i * layer.inSize;
        for (let j = 0; j < layer.inSize; j++) {
          const wij = w[row + j];
          if (wij === 0) continue;
          const src1 = wij > 0 ? hL : hU;
          const src2 = wij > 0 ? hU : hL;
          const q = j * bs;
          for (let c = 0; c < bs; c++) {
            zL[o + c] += wij * src1[q + c];
            zU[o + c] += wij * src2[q + c];
          }
          const aw = Math.abs(wij);
          for (let b = 0; b < B; b++) zMag[i * B + b] += aw * hMag[j * B + b];
        }
      }
    }
    const zIbp = batchedAffineInterval(layer, ibp, B);
    const lo = new Float64Array(n * B);
    const up = new Float64Array(n * B);
    for (let i = 0; i < n; i++) {
      for (let b = 0; b < B; b++) {
        const o = i * bs + b * s;
        const box = domains[b].box;
        let vl = zL[o + d];
        let vu = zU[o + d];
        for (let c = 0; c < d; c++) {
          const a = zL[o + c];
          vl += a >= 0 ? a * box.lower[c] : a * box.upper[c];
          const e = zU[o + c];
          vu += e >= 0 ? e * box.upper[c] : e * box.lower[c];
        }
        const margin = RELATIVE_MARGIN * zMag[i * B + b] + ABSOLUTE_MARGIN;
        const prior = domains[b].prior;
        lo[i * B + b] = Math.max(vl - margin, zIbp.lower[i * B + b], prior ? prior.lower[k][i] : -Infinity);
        up[i * B + b] = Math.min(vu + margin, zIbp.upper[i * B + b], prior ? prior.upper[k][i] : Infinity);
      }
    }
    for (let b = 0; b < B; b++) {
      out[b].lower.push(columnOf(lo, b, B));
      out[b].upper.push(columnOf(up, b, B));
    }
    ibp = batchedReluInterval({ lower: lo, upper: up }, splits, k, B);
    // Through the ReLUs.
    const nL = new Float64Array(n * bs);
    const nU = new Float64Array(n * bs);
    const nMag = new Float64Array(n * B);
    for (let i = 0; i < n; i++) {
      for (let b = 0; b < B; b++) {
        const sp = splits[b] ? (splits[b] as Splits)[k][i] : -1;
        const l = lo[i * B + b];
        const u = up[i * B + b];
        const o = i * bs + b * s;
        if (sp === 0 || (sp === -1 && u <= 0)) continue;
        if (sp === 1 || (sp === -1 && l >= 0)) {
          nL.set(zL.subarray(o, o + s), o);
          nU.set(zU.subarray(o, o + s), o);
          nMag[i * B + b] = zMag[i * B + b];
          continue;
        }
        const slope = u / (u - l);
        const alpha = defaultLowerSlope(l, u);
        for (let c = 0; c < s; c++) {
          nL[o + c] = alpha * zL[o + c];
          nU[o + c] = slope * zU[o + c];
        }
        nU[o + d] -= slope * l;
        nMag[i * B + b] = zMag[i * B + b] + Math.abs(slope * l);
      }
    }
    hL = nL;
    hU = nU;
    hMag = nMag;
  }
  return out;
}
