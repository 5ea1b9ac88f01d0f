/**
 * BaBSR (Bunel et al., JMLR 2020), as implemented in the reference code's `choose_node_conv`: a
 * backward pass from the objective estimates, per ambiguous ReLU, how much splitting it changes
 * the bound (bias term plus intercept term of the triangle relaxation).
 */
import type { LayerBounds, Splits } from '../bounds/types';
import { addTransposed, type ReluNetwork } from '../network/network';
import { ambiguousCandidates, type BranchingContext, type BranchingRule, type ReluChoice } from './rule';

/** Per-layer BaBSR scores (masked to free ambiguous ReLUs) and intercept terms s_t. */
export interface BabsrScores {
  /** |s_b + s_t| per hidden layer and neuron; 0 where not a candidate. */
  readonly scores: Float64Array[];
  /** The intercept term s_t = min(ν̂, 0)·(−l·u/(u − l)) (≤ 0); 0 where not a candidate. */
  readonly intercepts: Float64Array[];
}

/**
 * The BaBSR scores for objective `coeffs·y` (Bunel et al. 2020): ν starts as `coeffs` at the output;
 * linear layers take ν ← Wᵀν; at ReLU layer k with ν̂ and the preceding bias b:
 * s_b = max(b·ν̂·(d − 1), b·ν̂·d), s_t = min(ν̂, 0)·t, score = |s_b + s_t|, then ν ← d·ν̂.
 */
export function babsrScores(net: ReluNetwork, bounds: LayerBounds, splits: Splits, coeffs: ArrayLike<number>): BabsrScores {
  const hidden = net.layers.length - 1;
  const scores: Float64Array[] = new Array(hidden);
  const intercepts: Float64Array[] = new Array(hidden);
  let nu = Float64Array.from(coeffs);
  for (let j = net.layers.length - 1; j >= 1; j--) {
    const layer = net.layers[j];
    const back = new Float64Array(layer.inSize);
    addTransposed(layer, nu, back);
    const k = j - 1;
    const n = back.length;
    const s = new Float64Array(n);
    const st = new Float64Array(n);
    const bias = net.layers[k].bias;
    for (let i = 0; i < n; i++) {
      const l = bounds.lower[k][i];
      const u = bounds.upper[k][i];
      const split = splits[k][i];
      // d: 1 active, 0 inactive, u/(u − l) ambiguous (splits fix it).
      const lm = Math.min(l, 0);
      const up = Math.max(u, 0);
      let d = split === 1 ? 1 : split === 0 ? 0 : up - lm > 0 ? up / (up - lm) : 0;
      if (split === -1 && l >= 0) d = 1;
      const candidate = split === -1 && l < 0 && u > 0;
      if (candidate) {
        const nh = back[i];
        const t = (-l * u) / (u - l);
        const sb = Math.max(bias[i] * nh * (d - 1), bias[i] * nh * d);
        st[i] = Math.min(nh, 0) * t;
        s[i] = Math.abs(sb + st[i]);
      }
      back[i] *= d;
    }
    scores[k] = s;
    intercepts[k] = st;
    nu = back;
  }
  return { scores, intercepts };
}

/** Constants of {@link createBabsr} (defaults from the reference). */
export interface BabsrOptions {
  /** A best score at or below this uses the intercept fallback (default 1e-3). */
  scoreThreshold?: number;
  /** An intercept term must be below −this to be used (default 1e-4). */
  interceptThreshold?: number;
  /** Most consecutive intercept fallbacks (default 2). */
  maxConsecutiveFallbacks?: number;
  /** A best score in this layer also triggers the fallback (default 0, the first ReLU layer). */
  sparsestLayer?: number;
}

/**
 * The BaBSR decision: argmax of the score over all layers; if the best score ≤ 1e-3 or lies in
 * `sparsestLayer`, the most negative intercept term of the deepest layer that has one below −1e-4
 * (at most 2 times in a row); when neither gives a node, the first candidate of the deepest layer
 * that has one. The consecutive-fallback counter lives in the returned rule, one per search.
 */
export function createBabsr(options: BabsrOptions = {}): BranchingRule & { decide(net: ReluNetwork, bounds: LayerBounds, splits: Splits, coeffs: ArrayLike<number>): ReluChoice | null } {
  const scoreThreshold = options.scoreThreshold ?? 1e-3;
  const interceptThreshold = options.interceptThreshold ?? 1e-4;
  const maxFallbacks = options.maxConsecutiveFallbacks ?? 2;
  const sparsestLayer = options.sparsestLayer ?? 0;
  let fallbacks = 0;
  const decide = (net: ReluNetwork, bounds: LayerBounds, splits: Splits, coeffs: ArrayLike<number>): ReluChoice | null => {
    const candidates = ambiguousCandidates(splits, bounds);
    if (candidates.length === 0) return null;
    const { scores, intercepts } = babsrScores(net, bounds, splits, coeffs);
    let best: ReluChoice | null = null;
    let bestScore = -Infinity;
    for (const c of candidates) if (scores[c.layer][c.index] > bestScore) { bestScore = scores[c.layer][c.index]; best = c; }
    if ((bestScore <= scoreThreshold || best?.layer === sparsestLayer) && fallbacks < maxFallbacks) {
      for (let k = intercepts.length - 1; k >= 0; k--) {
        let idx = -1;
        let low = -interceptThreshold;
        for (let i = 0; i < intercepts[k].length; i++) if (intercepts[k][i] < low) { low = intercepts[k][i]; idx = i; }
        if (idx >= 0) {
          fallbacks++;
          return { layer: k, index: idx };
        }
      }
    }
    fallbacks = 0;
    if (bestScore > 0 && best) return best;
    const deepest = Math.max(...candidates.map((c) => c.layer));
    return candidates.find((c) => c.layer === deepest) ?? null;
  };
  return {
    name: 'babsr',
    decide,
    choose: async (ctx: BranchingContext) => decide(ctx.net, ctx.bounds, ctx.splits, ctx.objective.coeffs),
  };
}
