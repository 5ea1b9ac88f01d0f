/**
 * Backward linear bound propagation (CROWN / DeepPoly): a linear lower bound of `C·z_k + d` is
 * carried backwards through the layers, replacing each ReLU by a linear lower or upper relaxation
 * depending on the sign of its coefficient, and minimised over the input box at the end.
 */
import { checkDeadline } from '../deadline';
import type { ReluNetwork } from '../network/network';
import { safeLower } from './float-safety';
import { forwardBounds } from './_old-forward';
import { affineInterval } from './ibp';
import { checkBox, defaultLowerSlope, splitOf, type Box, type LayerBounds, type Splits } from './types';

/**
 * Lower-relaxation slopes α per hidden layer: `alphas[k][r·n_k + i]` is the slope used for the
 * ambiguous ReLU i of layer k when bounding objective row r. Any value in [0, 1] is sound.
 */
export type Alphas = readonly Float64Array[];

/**
 * Multipliers β ≥ 0 of the split constraints, shaped like {@link Alphas} (used only on split
 * ReLUs): on the subdomain of a split inactive ReLU z ≤ 0, so f ≥ f + β·z; of a split active one
 * z ≥ 0, so f ≥ f − β·z. Bounding the right-hand side over the whole box is therefore sound for
 * the subdomain for every β ≥ 0 (β-CROWN's Lagrangian treatment of split constraints).
 */
export type Betas = readonly Float64Array[];

/** A sound linear lower bound `a·x + c` of each objective row, valid on the box. */
export interface LinearLowerBound {
  /** The lower bound of each row over the box (widened for rounding). */
  readonly lower: Float64Array;
  /** Input coefficients, row-major `[rows, inputSize]`. */
  readonly inputCoeffs: Float64Array;
  /** Constant of each row. */
  readonly constant: Float64Array;
}


/**
 * Lower bounds of `rows·z_k + rowConst` over the box, where z_k is the output of affine layer k
 * (k = layers − 1: the network output). Needs sound pre-activation bounds of the hidden layers
 * before k.
 *
 * @param rows - row-major `[m, outSize of layer k]`.
 * @param rowConst - `[m]`.
 * @param alphas - optional lower slopes (per hidden layer, `[m, n]`); default {@link defaultLowerSlope}.
 * @param betas - optional split multipliers (per hidden layer, `[m, n]`, ≥ 0); default 0.
 */
export function backwardLowerBound(
  net: ReluNetwork,
  box: Box,
  bounds: LayerBounds,
  splits: Splits | undefined,
  layerIndex: number,
  rows: Float64Array,
  rowConst: Float64Array,
  alphas?: Alphas,
  betas?: Betas,
): LinearLowerBound {
  const m = rowConst.length;
  let n = net.layers[layerIndex].outSize;
  if (rows.length !== m * n) throw new Error(`backwardLowerBound: rows must be [${m}, ${n}], got ${rows.length} values`);
  let lambda = Float64Array.from(rows);
  const constant = Float64Array.from(rowConst);
  const magnitude = Float64Array.from(rowConst, Math.abs);
  for (let j = layerIndex; j >= 0; j--) {
    const layer = net.layers[j];
    const inSize = layer.inSize;
    const next = new Float64Array(m * inSize);
    const w = layer.weights;
    for (let r = 0; r < m; r++) {
      const lr = r * n;
      const nr = r * inSize;
      let c = 0;
      let mag = 0;
      for (let i = 0; i < n; i++) {
        const v = lambda[lr + i];
        if (v === 0) continue;
        const bi = v * layer.bias[i];
        c += bi;
        mag += Math.abs(bi);
        const wr = i * inSize;
        for (let q = 0; q < inSize; q++) next[nr + q] += v * w[wr + q];
      }
      constant[r] += c;
      magnitude[r] += mag;
    }
    lambda = next;
    n = inSize;
    if (j === 0) break;
    // Through the ReLU of hidden layer j − 1.
    const k = j - 1;
    const lo = bounds.lower[k];
    const up = bounds.upper[k];
    const alpha = alphas?.[k];
    for (let i = 0; i < n; i++) {
      const s = splitOf(splits, k, i);
      const l = lo[i];
      const u = up[i];
      const beta = betas?.[k];
      const active = s === 1 || (s === -1 && l >= 0);
      if (active) {
        // Split active (z ≥ 0 on the subdomain): f ≥ f − β·z.
        if (beta && s === 1) for (let r = 0; r < m; r++) lambda[r * n + i] -= beta[r * n + i];
        continue;
      }
      const inactive = s === 0 || (s === -1 && u <= 0);
      if (inactive) {
        // Split inactive (z ≤ 0 on the subdomain): f ≥ f + β·z.
        for (let r = 0; r < m; r++) lambda[r * n + i] = beta && s === 0 ? beta[r * n + i] : 0;
        continue;
      }
      const upSlope = u / (u - l);
      const upIntercept = -l * upSlope;
      const dflt = defaultLowerSlope(l, u);
      for (let r = 0; r < m; r++) {
        const idx = r * n + i;
        const v = lambda[idx];
        if (v >= 0) {
          lambda[idx] = v * (alpha ? alpha[idx] : dflt);
        } else {
          const t = v * upIntercept;
          constant[r] += t;
          magnitude[r] -= t;
          lambda[idx] = v * upSlope;
        }
      }
    }
  }
  const lower = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    let v = constant[r];
    let mag = magnitude[r];
    for (let q = 0; q < n; q++) {
      const a = lambda[r * n + q];
      const t = a >= 0 ? a * box.lower[q] : a * box.upper[q];
      v += t;
      mag += Math.abs(a) * Math.max(Math.abs(box.lower[q]), Math.abs(box.upper[q]));
    }
    lower[r] = safeLower(v, mag + Math.abs(constant[r]));
  }
  return { lower, inputCoeffs: lambda, constant };
}

/** Which intermediate bounds {@link intermediateBounds} computes. */
export type IntermediateMethod = 'ibp' | 'crown' | 'forward';

/**
 * Sound pre-activation bounds of every hidden layer. `'crown'` bounds each layer by backward
 * propagation from it, using the bounds of the layers before, and intersects them with IBP;
 * `'forward'` uses {@link forwardBounds} (cheaper for few inputs); `'ibp'` plain intervals.
 * `prior`: bounds known to hold on a box containing `box` (a parent domain's, with the same
 * splits or fewer), intersected in as well (only used by `'crown'` and `'forward'`).
 * `deadline` (a `performance.now()` time in ms): throws a `DeadlineError` between layers past it.
 */
export function intermediateBounds(net: ReluNetwork, box: Box, splits?: Splits, method: IntermediateMethod = 'crown', prior?: LayerBounds, deadline?: number): LayerBounds {
  checkBox(box, net.inputSize, 'intermediateBounds');
  if (method === 'forward') return forwardBounds(net, box, splits, prior);
  const forwardLayer = method === 'crown' ? forwardBounds(net, box, splits, prior) : null;
  const lower: Float64Array[] = [];
  const upper: Float64Array[] = [];
  let hl: Float64Array = box.lower;
  let hu: Float64Array = box.upper;
  for (let k = 0; k < net.layers.length - 1; k++) {
    checkDeadline(deadline, 'intermediateBounds');
    const ibp = affineInterval(net.layers[k], hl, hu);
    const n = net.layers[k].outSize;
    if (method === 'crown' && k > 0) {
      // Backward bounds only for neurons that the cheaper bounds leave ambiguous (the others'
      // relaxations are exact already); cheaper bounds: IBP ∩ forward linear bounds.
      const cheap = forwardLayer?.lower[k] ? { lower: forwardLayer.lower[k], upper: forwardLayer.upper[k] } : null;
      if (cheap) {
        for (let i = 0; i < n; i++) {
          ibp.lower[i] = Math.max(ibp.lower[i], cheap.lower[i]);
          ibp.upper[i] = Math.min(ibp.upper[i], cheap.upper[i]);
        }
      }
      const unstable: number[] = [];
      for (let i = 0; i < n; i++) if (ibp.lower[i] < 0 && ibp.upper[i] > 0 && splitOf(splits, k, i) === -1) unstable.push(i);
      const q = unstable.length;
      if (q > 0) {
        const rows = new Float64Array(2 * q * n);
        unstable.forEach((i, r) => {
          rows[r * n + i] = 1;
          rows[(q + r) * n + i] = -1;
        });
        const res = backwardLowerBound(net, box, { lower, upper }, splits, k, rows, new Float64Array(2 * q));
        unstable.forEach((i, r) => {
          ibp.lower[i] = Math.max(ibp.lower[i], res.lower[r]);
          ibp.upper[i] = Math.min(ibp.upper[i], -res.lower[q + r]);
        });
      }
    }
    lower.push(ibp.lower);
    upper.push(ibp.upper);
    hl = new Float64Array(n);
    hu = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = splitOf(splits, k, i);
      if (s === 0) continue;
      hl[i] = s === 1 ? ibp.lower[i] : Math.max(ibp.lower[i], 0);
      hu[i] = s === 1 ? ibp.upper[i] : Math.max(ibp.upper[i], 0);
    }
  }
  return { lower, upper };
}
