/**
 * Backward linear bound propagation (CROWN / DeepPoly) for many domains at once. A linear lower
 * bound of `C·z_k + d` is carried backwards through the layers, replacing each ReLU by a linear
 * lower or upper relaxation depending on the sign of its coefficient, and minimised over each
 * domain's input box at the end.
 *
 * The rows of every domain are stacked into one coefficient matrix Λ `[rows, neurons]`, so each
 * layer is one product `Λ·W` (skipping zero coefficients, which inactive ReLUs and the unit rows of
 * intermediate bounds make common); only the ReLU relaxations, which depend on each domain's
 * bounds and splits, are applied block by block.
 */
import { isConv, type AffineLayer, type ReluNetwork } from '../network/network';
import { convThroughAffine } from './conv-backward';
import { ABSOLUTE_MARGIN, RELATIVE_MARGIN } from './float-safety';
import { defaultLowerSlope, reluPhase, splitOf, type Box, type LayerBounds, type Splits } from './types';

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
  /**
   * The outward margin taken off each row's minimum over the box. It covers the rounding of the
   * propagation and of minimising the same linear function over any sub-box, so `a·x + c` keeps
   * giving sound bounds on sub-boxes (a child domain) when this margin is taken off.
   */
  readonly margin?: Float64Array;
}

/** One domain's share of a batched backward pass: its box, bounds, splits and objective rows. */
export interface BackwardBlock {
  /** The domain's input box. */
  readonly box: Box;
  /** Sound pre-activation bounds of the hidden layers before the bounded layer. */
  readonly bounds: LayerBounds;
  /** The domain's ReLU splits (none: all free). */
  readonly splits: Splits | undefined;
  /** Objective rows, row-major `[m, outSize of the bounded layer]`. */
  readonly rows: Float64Array;
  /** Constant of each row, `[m]`. */
  readonly rowConst: Float64Array;
  /** Optional lower slopes (per hidden layer, `[m, n]`); default CROWN's (`defaultLowerSlope`). */
  readonly alphas?: Alphas;
  /** Optional split multipliers (per hidden layer, `[m, n]`, ≥ 0); default 0. */
  readonly betas?: Betas;
}

/**
 * Lower bounds of `rows·z_k + rowConst` for every block, where z_k is the output of affine layer
 * k (k = layers − 1: the network output), each over its own box with its own bounds and splits.
 * Returns one {@link LinearLowerBound} per block, in order.
 */
export function batchedBackwardLowerBound(net: ReluNetwork, blocks: readonly BackwardBlock[], layerIndex: number): LinearLowerBound[] {
  return propagate(net, blocks, layerIndex);
}

/**
 * {@link batchedBackwardLowerBound}, also returning the coefficients each row puts on the output of
 * every hidden ReLU layer k < `layerIndex` before its relaxation: `reluCoeffs[k]` row-major
 * `[rows of all blocks, n_k]`, blocks stacked in order (what the gradient of the bound with
 * respect to the slopes and split multipliers is made of).
 */
export function batchedBackwardTrace(net: ReluNetwork, blocks: readonly BackwardBlock[], layerIndex: number): { bounds: LinearLowerBound[]; reluCoeffs: Float64Array[] } {
  const reluCoeffs: Float64Array[] = new Array(layerIndex);
  return { bounds: propagate(net, blocks, layerIndex, reluCoeffs), reluCoeffs };
}

function propagate(net: ReluNetwork, blocks: readonly BackwardBlock[], layerIndex: number, record?: Float64Array[]): LinearLowerBound[] {
  let n = net.layers[layerIndex].outSize;
  const start: number[] = [];
  let R = 0;
  for (const b of blocks) {
    const m = b.rowConst.length;
    if (b.rows.length !== m * n) throw new Error(`backwardLowerBound: rows must be [${m}, ${n}], got ${b.rows.length} values`);
    start.push(R);
    R += m;
  }
  // Λ row-major `[rows, neurons]`: every domain's rows stacked, so a layer is one product Λ·W.
  let lambda: Float64Array = new Float64Array(R * n);
  const constant = new Float64Array(R);
  const magnitude = new Float64Array(R);
  blocks.forEach((b, q) => {
    lambda.set(b.rows, start[q] * n);
    constant.set(b.rowConst, start[q]);
    for (let r = 0; r < b.rowConst.length; r++) magnitude[start[q] + r] = Math.abs(b.rowConst[r]);
  });
  for (let j = layerIndex; j >= 0; j--) {
    lambda = throughAffine(net.layers[j], lambda, R, constant, magnitude);
    n = net.layers[j].inSize;
    if (j > 0 && record) record[j - 1] = Float64Array.from(lambda);
    if (j > 0) relaxRelus(blocks, start, lambda, constant, magnitude, n, j - 1);
  }
  return blocks.map((b, q) => concretise(b, lambda, constant, magnitude, n, start[q]));
}

/**
 * `Λ·W` for Λ `[R, outSize]` (row-major), adding `Λ·bias` to each row's constant; rows' zero
 * coefficients (inactive ReLUs, unit rows of intermediate bounds) are skipped.
 */
function throughAffine(layer: AffineLayer, lambda: Float64Array, R: number, constant: Float64Array, magnitude: Float64Array): Float64Array {
  if (isConv(layer)) return convThroughAffine(layer, lambda, R, constant, magnitude);
  const { inSize, outSize: n, weights: w, bias } = layer;
  const next = new Float64Array(R * inSize);
  let r = 0;
  // Four rows at a time share each weight load (the product is bound by memory traffic in JS).
  for (; r + 4 <= R; r += 4) {
    const l0 = r * n;
    const n0 = r * inSize;
    const n1 = n0 + inSize;
    const n2 = n1 + inSize;
    const n3 = n2 + inSize;
    for (let i = 0; i < n; i++) {
      const v0 = lambda[l0 + i];
      const v1 = lambda[l0 + n + i];
      const v2 = lambda[l0 + 2 * n + i];
      const v3 = lambda[l0 + 3 * n + i];
      if (v0 === 0 && v1 === 0 && v2 === 0 && v3 === 0) continue;
      const bi = bias[i];
      constant[r] += v0 * bi;
      constant[r + 1] += v1 * bi;
      constant[r + 2] += v2 * bi;
      constant[r + 3] += v3 * bi;
      magnitude[r] += Math.abs(v0 * bi);
      magnitude[r + 1] += Math.abs(v1 * bi);
      magnitude[r + 2] += Math.abs(v2 * bi);
      magnitude[r + 3] += Math.abs(v3 * bi);
      const wr = i * inSize;
      for (let q = 0; q < inSize; q++) {
        const wq = w[wr + q];
        next[n0 + q] += v0 * wq;
        next[n1 + q] += v1 * wq;
        next[n2 + q] += v2 * wq;
        next[n3 + q] += v3 * wq;
      }
    }
  }
  for (; r < R; r++) {
    const lr = r * n;
    const nr = r * inSize;
    for (let i = 0; i < n; i++) {
      const v = lambda[lr + i];
      if (v === 0) continue;
      const t = v * bias[i];
      constant[r] += t;
      magnitude[r] += Math.abs(t);
      const wr = i * inSize;
      for (let q = 0; q < inSize; q++) next[nr + q] += v * w[wr + q];
    }
  }
  return next;
}

/** Carries Λ (row-major `[R, n]`) through the ReLUs of hidden layer k, per block (its bounds, splits, α and β). */
function relaxRelus(blocks: readonly BackwardBlock[], start: readonly number[], lambda: Float64Array, constant: Float64Array, magnitude: Float64Array, n: number, k: number): void {
  blocks.forEach((b, q) => {
    const m = b.rowConst.length;
    const r0 = start[q];
    const lo = b.bounds.lower[k];
    const up = b.bounds.upper[k];
    const alpha = b.alphas?.[k];
    const beta = b.betas?.[k];
    for (let i = 0; i < n; i++) {
      const s = splitOf(b.splits, k, i);
      const l = lo[i];
      const u = up[i];
      const phase = reluPhase(s, l, u);
      if (phase === 1) {
        // Split active (z ≥ 0 on the subdomain): f ≥ f − β·z.
        if (beta && s === 1) for (let r = 0; r < m; r++) lambda[(r0 + r) * n + i] -= beta[r * n + i];
        continue;
      }
      if (phase === 0) {
        // Split inactive (z ≤ 0 on the subdomain): f ≥ f + β·z.
        for (let r = 0; r < m; r++) lambda[(r0 + r) * n + i] = beta && s === 0 ? beta[r * n + i] : 0;
        continue;
      }
      const upSlope = u / (u - l);
      const upIntercept = -l * upSlope;
      const dflt = defaultLowerSlope(l, u);
      for (let r = 0; r < m; r++) {
        const idx = (r0 + r) * n + i;
        const v = lambda[idx];
        if (v >= 0) {
          lambda[idx] = v * (alpha ? alpha[r * n + i] : dflt);
        } else {
          const t = v * upIntercept;
          constant[r0 + r] += t;
          magnitude[r0 + r] -= t;
          lambda[idx] = v * upSlope;
        }
      }
    }
  });
}

/** Minimises each of a block's linear bounds over its box, widened for rounding. */
function concretise(b: BackwardBlock, lambda: Float64Array, constant: Float64Array, magnitude: Float64Array, n: number, r0: number): LinearLowerBound {
  const m = b.rowConst.length;
  const lower = new Float64Array(m);
  const margin = new Float64Array(m);
  const inputCoeffs = new Float64Array(m * n);
  const own = constant.slice(r0, r0 + m);
  for (let r = 0; r < m; r++) {
    let v = own[r];
    let mag = magnitude[r0 + r];
    for (let q = 0; q < n; q++) {
      const a = lambda[(r0 + r) * n + q];
      inputCoeffs[r * n + q] = a;
      v += a >= 0 ? a * b.box.lower[q] : a * b.box.upper[q];
      mag += Math.abs(a) * Math.max(Math.abs(b.box.lower[q]), Math.abs(b.box.upper[q]));
    }
    margin[r] = RELATIVE_MARGIN * (mag + Math.abs(own[r])) + ABSOLUTE_MARGIN;
    lower[r] = v - margin[r];
  }
  return { lower, inputCoeffs, constant: own, margin };
}
