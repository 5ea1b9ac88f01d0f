/**
 * α,β-CROWN for many domains at once, on the host in float64. The lower-relaxation slopes α of
 * ambiguous ReLUs (any value in [0, 1] is sound) and the multipliers β ≥ 0 of split ReLUs (see
 * `Betas` of batched-backward) are optimised per objective row by gradient ascent on the CROWN bound; the rows
 * of every domain are stacked, so one step is one batched backward pass and one forward pass per
 * row, whatever the number of domains.
 *
 * The gradient is exact and needs no autodiff: a row's CROWN bound is the minimum over the box of
 * `c·f̃(x) + Σ β·s·z̃(x)`, where f̃ is the network with every ReLU replaced by the linear piece the
 * backward pass chose for that row and z̃ its pre-activations (s = +1 on a split-inactive ReLU, −1
 * on a split-active one). At the minimising box corner x* (Danskin), the derivative with respect
 * to the slope of ambiguous ReLU i of layer k is `λ_k[i]·z̃_k[i](x*)` where that ReLU uses its lower
 * piece (λ_k[i] ≥ 0, λ_k the row's coefficient on the ReLU's output), and with respect to its
 * multiplier `s·z̃_k[i](x*)`. Every candidate's bound is the sound, outward-rounded float64 bound of
 * {@link batchedBackwardLowerBound}; per row the best one seen is kept, CROWN's (the start) included.
 */
import * as t from '@nnlab/tensor-gpu';
import { affine, hiddenSizes, type ReluNetwork } from '../network/network';
import { batchedBackwardLowerBound, batchedBackwardTrace, type BackwardBlock, type LinearLowerBound } from './batched-backward';
import { defaultLowerSlope, reluPhase, splitOf } from './types';

/** Slopes α and split multipliers β per hidden layer, row-major `[m, n_k]` (one row per objective row). */
export interface AlphaBetaParameters {
  readonly alphas: readonly Float64Array[];
  readonly betas: readonly Float64Array[];
}

/** One domain of {@link batchedAlphaBound}: its box, intermediate bounds, splits and objective rows. */
export interface AlphaBlock extends Omit<BackwardBlock, 'alphas' | 'betas'> {
  /**
   * Parameters to start from instead of CROWN's slopes (e.g. those of the parent domain, a
   * superset: every slope in [0, 1] and β ≥ 0 stays sound); CROWN's bound is still among the
   * candidates, so the result is never looser than CROWN.
   */
  readonly start?: AlphaBetaParameters;
}

/** Settings of {@link batchedAlphaBound}. */
export interface BatchedAlphaOptions {
  /** Gradient steps (default 20). */
  iterations?: number;
  /**
   * `'adam'` (default): Adam on α and β, as α,β-CROWN. `'sign'`: every parameter moves by a
   * shrinking step in the direction of its gradient (first step `lr`, ×0.7 per step), which gains
   * most of α's improvement in a few steps.
   */
  update?: 'adam' | 'sign';
  /** Adam's step size on α (default 0.1), or the first sign step (default 0.5). */
  lr?: number;
  /** Adam's step size on β (default 0.05); sign steps move β like α. */
  betaLr?: number;
  /** Optimise the split multipliers β too (default true; they only exist on split ReLUs). */
  beta?: boolean;
  /** Stop optimising (keeping the best bounds so far, which are sound) once `performance.now()` passes this, in ms. */
  deadline?: number;
}

/** A block's bound and the parameters that gave each row's, per hidden layer `[m, n]`. */
export interface AlphaBetaBound extends LinearLowerBound {
  readonly alphas: Float64Array[];
  readonly betas: Float64Array[];
}

/** Shrink factor of the sign steps. */
const SIGN_DECAY = 0.7;

/**
 * α,β-CROWN lower bounds of `rows·y + rowConst` (y = network output) for every block, each over
 * its own box with its own intermediate bounds and splits; see the module comment. A block stops
 * being optimised once every one of its rows is bounded above 0.
 */
export function batchedAlphaBound(net: ReluNetwork, blocks: readonly AlphaBlock[], options: BatchedAlphaOptions = {}): AlphaBetaBound[] {
  const update = options.update ?? 'adam';
  const iterations = options.iterations ?? 20;
  const lr = options.lr ?? (update === 'adam' ? 0.1 : 0.5);
  const betaLr = options.betaLr ?? 0.05;
  if (update !== 'adam' && update !== 'sign') throw new Error(`batchedAlphaBound: update must be 'adam' or 'sign', got ${JSON.stringify(update)}`);
  if (!Number.isInteger(iterations) || iterations < 0) throw new Error(`batchedAlphaBound: iterations must be an integer ≥ 0, got ${iterations}`);
  if (!(lr > 0)) throw new Error(`batchedAlphaBound: lr must be > 0, got ${lr}`);
  if (!(betaLr > 0)) throw new Error(`batchedAlphaBound: betaLr must be > 0, got ${betaLr}`);
  const last = net.layers.length - 1;
  const hidden = hiddenSizes(net);
  const start: number[] = [];
  let R = 0;
  for (const b of blocks) {
    start.push(R);
    R += b.rowConst.length;
  }
  const useBeta = (options.beta ?? true) && blocks.some((b) => b.splits?.some((s) => s.some((v) => v !== -1)));
  // Parameters of every row of every block, stacked `[R, n_k]`, starting from CROWN's slopes.
  const alphas = hidden.map((n) => new Float64Array(R * n));
  const betas = hidden.map((n) => new Float64Array(R * n));
  blocks.forEach((b, q) => {
    const m = b.rowConst.length;
    hidden.forEach((n, k) => {
      const row = Float64Array.from({ length: n }, (_, i) => defaultLowerSlope(b.bounds.lower[k][i], b.bounds.upper[k][i]));
      for (let r = 0; r < m; r++) alphas[k].set(row, (start[q] + r) * n);
    });
    if (!b.start) return;
    checkStart(b.start, hidden, m, q);
    hidden.forEach((n, k) => {
      const from = start[q] * n;
      for (let j = 0; j < m * n; j++) alphas[k][from + j] = Math.min(1, Math.max(0, b.start!.alphas[k][j]));
      if (useBeta) for (let j = 0; j < m * n; j++) betas[k][from + j] = Math.max(0, b.start!.betas[k][j]);
    });
  });
  const view = (q: number): BackwardBlock => {
    const span = (a: Float64Array, n: number) => a.subarray(start[q] * n, (start[q] + blocks[q].rowConst.length) * n);
    return { ...blocks[q], alphas: hidden.map((n, k) => span(alphas[k], n)), betas: useBeta ? hidden.map((n, k) => span(betas[k], n)) : undefined };
  };
  const best: AlphaBetaBound[] = new Array(blocks.length);
  const keepBest = (q: number, bound: LinearLowerBound, own: BackwardBlock = view(q)) => {
    const m = blocks[q].rowConst.length;
    const d = net.inputSize;
    if (!best[q]) {
      best[q] = { ...bound, lower: Float64Array.from(bound.lower), alphas: own.alphas!.map((a) => Float64Array.from(a)), betas: hidden.map((n, k) => (own.betas ? Float64Array.from(own.betas[k]) : new Float64Array(m * n))) };
      return;
    }
    const held = best[q];
    for (let r = 0; r < m; r++) {
      if (!(bound.lower[r] > held.lower[r])) continue;
      held.lower[r] = bound.lower[r];
      held.constant[r] = bound.constant[r];
      held.margin![r] = bound.margin![r];
      held.inputCoeffs.set(bound.inputCoeffs.subarray(r * d, (r + 1) * d), r * d);
      hidden.forEach((n, k) => {
        held.alphas[k].set(own.alphas![k].subarray(r * n, (r + 1) * n), r * n);
        if (own.betas) held.betas[k].set(own.betas[k].subarray(r * n, (r + 1) * n), r * n);
        else held.betas[k].fill(0, r * n, (r + 1) * n);
      });
    }
  };
  const params = useBeta ? [...alphas, ...betas] : alphas;
  const adamStates = update === 'adam' ? params.map((p) => t.optim.adamHostState(p.length)) : [];
  // Rows of closed blocks get a zero gradient (their parameters no longer matter).
  const grads = params.map((p) => new Float64Array(p.length));
  // Blocks that start elsewhere keep CROWN's bound (CROWN's slopes, no multipliers) as a candidate.
  const started = blocks.flatMap((b, q) => (b.start ? [q] : []));
  if (started.length > 0) {
    const crownBlocks = started.map((q) => ({ ...blocks[q], alphas: undefined, betas: undefined }));
    const crown = batchedBackwardLowerBound(net, crownBlocks, last);
    started.forEach((q, j) => {
      const m = blocks[q].rowConst.length;
      const b = blocks[q];
      const crownAlphas = hidden.map((n, k) => {
        const a = new Float64Array(m * n);
        for (let i = 0; i < n; i++) a[i] = defaultLowerSlope(b.bounds.lower[k][i], b.bounds.upper[k][i]);
        for (let r = 1; r < m; r++) a.copyWithin(r * n, 0, n);
        return a;
      });
      keepBest(q, crown[j], { ...b, alphas: crownAlphas, betas: undefined });
    });
  }
  let step = lr;
  let open = blocks.map((_, q) => q);
  for (let it = 0; ; it++) {
    const stepping = it < iterations && !(options.deadline !== undefined && performance.now() > options.deadline);
    const views = open.map(view);
    const { bounds, reluCoeffs } = stepping ? batchedBackwardTrace(net, views, last) : { bounds: batchedBackwardLowerBound(net, views, last), reluCoeffs: [] };
    open.forEach((q, j) => keepBest(q, bounds[j]));
    if (!stepping) break;
    const local = boundGradients(net, views, reluCoeffs, bounds);
    grads.forEach((g) => g.fill(0));
    let row = 0;
    for (const q of open) {
      const m = blocks[q].rowConst.length;
      hidden.forEach((n, k) => {
        grads[k].set(local.alphas[k].subarray(row * n, (row + m) * n), start[q] * n);
        if (useBeta) grads[hidden.length + k].set(local.betas[k].subarray(row * n, (row + m) * n), start[q] * n);
      });
      row += m;
    }
    params.forEach((p, i) => {
      const g = grads[i];
      const isBeta = i >= alphas.length;
      if (update === 'adam') {
        // Ascent on the bound: Adam descends on −gradient.
        for (let q = 0; q < g.length; q++) g[q] = -g[q];
        t.optim.adamUpdate(p, g, adamStates[i], { lr: isBeta ? betaLr : lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
      } else {
        for (let q = 0; q < g.length; q++) if (g[q] !== 0) p[q] += g[q] > 0 ? step : -step;
      }
      const upper = isBeta ? Infinity : 1;
      for (let q = 0; q < p.length; q++) p[q] = Math.min(upper, Math.max(0, p[q]));
    });
    step *= SIGN_DECAY;
    open = open.filter((q) => best[q].lower.some((v) => !(v > 0)));
    if (open.length === 0) break;
  }
  return best;
}

function checkStart(p: AlphaBetaParameters, hidden: readonly number[], m: number, q: number): void {
  const ok = (a: readonly Float64Array[]) => a?.length === hidden.length && hidden.every((n, k) => a[k]?.length === m * n);
  if (!ok(p.alphas) || !ok(p.betas)) throw new Error(`batchedAlphaBound: blocks[${q}].start must hold alphas and betas of [${m}, n] per hidden layer (${hidden.join(', ')})`);
}

/**
 * The gradient of every row's bound with respect to its slopes α and split multipliers β, for
 * blocks carrying their parameters (`alphas` required; `betas` optional), given the traced backward
 * pass of those blocks ({@link batchedBackwardTrace}). Returned stacked like the pass's rows,
 * `[rows of all blocks, n_k]` per hidden layer; zero where a parameter is not used.
 */
export function boundGradients(
  net: ReluNetwork,
  blocks: readonly BackwardBlock[],
  reluCoeffs: readonly Float64Array[],
  bounds: readonly LinearLowerBound[],
): { alphas: Float64Array[]; betas: Float64Array[] } {
  const hidden = hiddenSizes(net);
  const R = blocks.reduce((a, b) => a + b.rowConst.length, 0);
  const out = { alphas: hidden.map((n) => new Float64Array(R * n)), betas: hidden.map((n) => new Float64Array(R * n)) };
  let g = 0;
  blocks.forEach((block, q) => {
    for (let r = 0; r < block.rowConst.length; r++, g++) {
      rowGradient(net, block, bounds[q].inputCoeffs.subarray(r * net.inputSize, (r + 1) * net.inputSize), reluCoeffs, g, r, out);
    }
  });
  return out;
}

/**
 * One row's gradient (row `r` of its block, row `g` of the stacked pass): runs the relaxed
 * network forward from the box corner that minimises the row's linear bound (`coeffs`).
 */
function rowGradient(
  net: ReluNetwork,
  block: BackwardBlock,
  coeffs: Float64Array,
  reluCoeffs: readonly Float64Array[],
  g: number,
  r: number,
  out: { alphas: Float64Array[]; betas: Float64Array[] },
): void {
  let h: Float64Array = Float64Array.from(coeffs, (a, q) => (a >= 0 ? block.box.lower[q] : block.box.upper[q]));
  for (let k = 0; k < net.layers.length - 1; k++) {
    const z = affine(net.layers[k], h);
    const n = z.length;
    const lam = reluCoeffs[k];
    const alpha = block.alphas![k];
    const lower = block.bounds.lower[k];
    const upper = block.bounds.upper[k];
    h = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = splitOf(block.splits, k, i);
      const phase = reluPhase(s, lower[i], upper[i]);
      if (phase === 1) {
        // Split active: the bound carries −β·z.
        h[i] = z[i];
        if (s === 1) out.betas[k][g * n + i] = -z[i];
      } else if (phase === 0) {
        // Split inactive: the bound carries +β·z.
        if (s === 0) out.betas[k][g * n + i] = z[i];
      } else if (lam[g * n + i] >= 0) {
        h[i] = alpha[r * n + i] * z[i];
        out.alphas[k][g * n + i] = lam[g * n + i] * z[i];
      } else {
        h[i] = (upper[i] / (upper[i] - lower[i])) * (z[i] - lower[i]);
      }
    }
  }
}
