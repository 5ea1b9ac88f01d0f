/**
 * Backward linear bound propagation (CROWN / DeepPoly) for many domains at once. A linear lower
 * bound of `C·z_k + d` is carried backwards through the layers, replacing each ReLU by a linear
 * lower or upper relaxation depending on the sign of its coefficient, and minimised over each
 * domain's input box at the end.
 *
 * The rows of every domain are stacked into one coefficient matrix stored neuron-major
 * (`[neurons, rows]`), so each layer is one dense product `Wᵀ·Λ` whose inner loop runs over all
 * rows of all domains; only the ReLU relaxations (which depend on each domain's bounds and splits)
 * are applied per domain.
 */
import type { ReluNetwork } from '../network/network';
import { safeLower } from './float-safety';
import { defaultLowerSlope, splitOf, type Box, type LayerBounds, type Splits } from './types';

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
  let n = net.layers[layerIndex].outSize;
  const start: number[] = [];
  let R = 0;
  for (const b of blocks) {
    const m = b.rowConst.length;
    if (b.rows.length !== m * n) throw new Error(`backwardLowerBound: rows must be [${m}, ${n}], got ${b.rows.length} values`);
    start.push(R);
    R += m;
  }
  // Λ neuron-major: lambda[i·R + r] is row r's coefficient on neuron i.
  let lambda = new Float64Array(n * R);
  const constant = new Float64Array(R);
  const magnitude = new Float64Array(R);
  blocks.forEach((b, q) => {
    const m = b.rowConst.length;
    for (let r = 0; r < m; r++) {
      const g = start[q] + r;
      constant[g] = b.rowConst[r];
      magnitude[g] = Math.abs(b.rowConst[r]);
      for (let i = 0; i < n; i++) lambda[i * R + g] = b.rows[r * n + i];
    }
  });
  for (let j = layerIndex; j >= 0; j--) {
    const layer = net.layers[j];
    const inSize = layer.inSize;
    const w = layer.weights;
    const next = new Float64Array(inSize * R);
    for (let i = 0; i < n; i++) {
      const li = i * R;
      let any = false;
      for (let r = 0; r < R; r++) if (lambda[li + r] !== 0) { any = true; break; }
      if (!any) continue; // a neuron no row depends on (e.g. inactive in every domain)
      const bias = layer.bias[i];
      if (bias !== 0) {
        for (let r = 0; r < R; r++) {
          const t = lambda[li + r] * bias;
          constant[r] += t;
          magnitude[r] += Math.abs(t);
        }
      }
      const wr = i * inSize;
      for (let q = 0; q < inSize; q++) {
        const wiq = w[wr + q];
        if (wiq === 0) continue;
        const nq = q * R;
        for (let r = 0; r < R; r++) next[nq + r] += lambda[li + r] * wiq;
      }
    }
    lambda = next;
    n = inSize;
    if (j === 0) break;
    relaxRelus(blocks, start, lambda, constant, magnitude, R, n, j - 1);
  }
  return blocks.map((b, q) => concretise(b, lambda, constant, magnitude, R, n, start[q]));
}

/** Carries Λ through the ReLUs of hidden layer k, per block (its bounds, splits, α and β). */
function relaxRelus(blocks: readonly BackwardBlock[], start: readonly number[], lambda: Float64Array, constant: Float64Array, magnitude: Float64Array, R: number, n: number, k: number): void {
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
      const li = i * R + r0;
      if (s === 1 || (s === -1 && l >= 0)) {
        // Split active (z ≥ 0 on the subdomain): f ≥ f − β·z.
        if (beta && s === 1) for (let r = 0; r < m; r++) lambda[li + r] -= beta[r * n + i];
        continue;
      }
      if (s === 0 || (s === -1 && u <= 0)) {
        // Split inactive (z ≤ 0 on the subdomain): f ≥ f + β·z.
        for (let r = 0; r < m; r++) lambda[li + r] = beta && s === 0 ? beta[r * n + i] : 0;
        continue;
      }
      const upSlope = u / (u - l);
      const upIntercept = -l * upSlope;
      const dflt = defaultLowerSlope(l, u);
      for (let r = 0; r < m; r++) {
        const v = lambda[li + r];
        if (v >= 0) {
          lambda[li + r] = v * (alpha ? alpha[r * n + i] : dflt);
        } else {
          const t = v * upIntercept;
          constant[r0 + r] += t;
          magnitude[r0 + r] -= t;
          lambda[li + r] = v * upSlope;
        }
      }
    }
  });
}

/** Minimises each of a block's linear bounds over its box, widened for rounding. */
function concretise(b: BackwardBlock, lambda: Float64Array, constant: Float64Array, magnitude: Float64Array, R: number, n: number, r0: number): LinearLowerBound {
  const m = b.rowConst.length;
  const lower = new Float64Array(m);
  const inputCoeffs = new Float64Array(m * n);
  const own = constant.slice(r0, r0 + m);
  for (let r = 0; r < m; r++) {
    let v = own[r];
    let mag = magnitude[r0 + r];
    for (let q = 0; q < n; q++) {
      const a = lambda[q * R + r0 + r];
      inputCoeffs[r * n + q] = a;
      v += a >= 0 ? a * b.box.lower[q] : a * b.box.upper[q];
      mag += Math.abs(a) * Math.max(Math.abs(b.box.lower[q]), Math.abs(b.box.upper[q]));
    }
    lower[r] = safeLower(v, mag + Math.abs(own[r]));
  }
  return { lower, inputCoeffs, constant: own };
}
