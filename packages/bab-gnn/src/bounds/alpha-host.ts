/**
 * α-CROWN on the host in float64, for networks with convolutions (the tensor-gpu search of
 * alpha.ts multiplies dense matrices). The CROWN bound of one row is a piecewise linear function of
 * the lower slopes α; its gradient with respect to the slope of ambiguous ReLU i of layer k is
 * `λ_k[i] · ẑ_k[i]`, where λ_k is the row's backward coefficient at that ReLU and ẑ_k the
 * pre-activation obtained by running the relaxed network forward from the box corner that
 * minimises the bound. So one step costs one backward and one forward pass. Slopes move by a
 * shrinking signed step and stay in [0, 1], where every slope is sound; the bound returned is
 * recomputed by {@link batchedBackwardLowerBound} with the best slopes found, and is never looser
 * than CROWN's (the search starts from CROWN's slopes and keeps the best).
 */
import { addTransposed, affine, type ReluNetwork } from '../network/network';
import { batchedBackwardLowerBound, type LinearLowerBound } from './batched-backward';
import { defaultLowerSlope, splitOf, type Box, type LayerBounds, type Splits } from './types';

/** Settings of {@link hostAlphaBound}. */
export interface HostAlphaOptions {
  /** Gradient steps per row (default 10). */
  iterations?: number;
  /** First step on a slope (default 0.5), shrunk by 0.7 each step. */
  step?: number;
  /** Stop optimising (keeping the best so far) once `performance.now()` passes this, in ms. */
  deadline?: number;
}

type State = 'active' | 'inactive' | 'ambiguous';

function reluState(bounds: LayerBounds, splits: Splits | undefined, k: number, i: number): State {
  const s = splitOf(splits, k, i);
  if (s === 1 || (s === -1 && bounds.lower[k][i] >= 0)) return 'active';
  if (s === 0 || (s === -1 && bounds.upper[k][i] <= 0)) return 'inactive';
  return 'ambiguous';
}

/** One row's CROWN value with slopes `alpha`, its ReLU coefficients λ_k and the minimising corner. */
function backwardPass(net: ReluNetwork, box: Box, bounds: LayerBounds, splits: Splits | undefined, coeffs: Float64Array, constant: number, alpha: readonly Float64Array[]) {
  let a = coeffs;
  let c = constant;
  const lambdas: Float64Array[] = new Array(net.layers.length - 1);
  for (let j = net.layers.length - 1; j >= 0; j--) {
    const layer = net.layers[j];
    for (let i = 0; i < layer.outSize; i++) c += a[i] * layer.bias[i];
    const lam = new Float64Array(layer.inSize);
    addTransposed(layer, a, lam);
    if (j === 0) {
      a = lam;
      break;
    }
    const k = j - 1;
    lambdas[k] = lam;
    const next = new Float64Array(lam.length);
    for (let i = 0; i < lam.length; i++) {
      const state = reluState(bounds, splits, k, i);
      if (state === 'active') next[i] = lam[i];
      else if (state === 'ambiguous') {
        const l = bounds.lower[k][i];
        const u = bounds.upper[k][i];
        if (lam[i] >= 0) next[i] = alpha[k][i] * lam[i];
        else {
          const slope = u / (u - l);
          next[i] = slope * lam[i];
          c += -l * slope * lam[i];
        }
      }
    }
    a = next;
  }
  const corner = Float64Array.from(a, (g, q) => (g >= 0 ? box.lower[q] : box.upper[q]));
  let value = c;
  for (let q = 0; q < a.length; q++) value += a[q] * corner[q];
  return { value, lambdas, corner };
}

/** The relaxed network's pre-activations at `x`: each ReLU replaced by the linear piece the backward pass used. */
function relaxedForward(net: ReluNetwork, bounds: LayerBounds, splits: Splits | undefined, x: Float64Array, alpha: readonly Float64Array[], lambdas: readonly Float64Array[]): Float64Array[] {
  const pre: Float64Array[] = [];
  let h: Float64Array = x;
  for (let k = 0; k < net.layers.length - 1; k++) {
    const z = affine(net.layers[k], h);
    pre.push(z);
    h = new Float64Array(z.length);
    for (let i = 0; i < z.length; i++) {
      const state = reluState(bounds, splits, k, i);
      if (state === 'active') h[i] = z[i];
      else if (state === 'ambiguous') {
        const l = bounds.lower[k][i];
        const u = bounds.upper[k][i];
        h[i] = lambdas[k][i] >= 0 ? alpha[k][i] * z[i] : (u / (u - l)) * (z[i] - l);
      }
    }
  }
  return pre;
}

/**
 * α-CROWN lower bounds of `rows·y + rowConst` over the box (one slope set per row), optimised on the
 * host; see the module comment.
 *
 * @param rows - row-major `[m, outputSize]`.
 * @param rowConst - `[m]`.
 * @returns the bound, and the slopes used, per hidden layer `[m, n]`.
 */
export function hostAlphaBound(net: ReluNetwork, box: Box, bounds: LayerBounds, splits: Splits | undefined, rows: Float64Array, rowConst: Float64Array, options: HostAlphaOptions = {}): LinearLowerBound & { alphas: Float64Array[] } {
  const m = rowConst.length;
  const out = net.outputSize;
  const hidden = net.layers.slice(0, -1).map((l) => l.outSize);
  const iterations = options.iterations ?? 10;
  const best = hidden.map((n) => new Float64Array(m * n));
  for (let r = 0; r < m; r++) {
    const alpha = hidden.map((n, k) => Float64Array.from({ length: n }, (_, i) => defaultLowerSlope(bounds.lower[k][i], bounds.upper[k][i])));
    let bestAlpha = alpha.map((a) => Float64Array.from(a));
    let bestValue = -Infinity;
    let step = options.step ?? 0.5;
    const coeffs = rows.slice(r * out, (r + 1) * out);
    for (let it = 0; it <= iterations; it++) {
      const pass = backwardPass(net, box, bounds, splits, coeffs, rowConst[r], alpha);
      if (pass.value > bestValue) {
        bestValue = pass.value;
        bestAlpha = alpha.map((a) => Float64Array.from(a));
      }
      if (it === iterations || (options.deadline !== undefined && performance.now() > options.deadline)) break;
      const pre = relaxedForward(net, bounds, splits, pass.corner, alpha, pass.lambdas);
      for (let k = 0; k < hidden.length; k++) {
        for (let i = 0; i < hidden[k]; i++) {
          if (pass.lambdas[k][i] <= 0 || reluState(bounds, splits, k, i) !== 'ambiguous') continue;
          const g = pass.lambdas[k][i] * pre[k][i];
          if (g !== 0) alpha[k][i] = Math.min(1, Math.max(0, alpha[k][i] + (g > 0 ? step : -step)));
        }
      }
      step *= 0.7;
    }
    hidden.forEach((n, k) => best[k].set(bestAlpha[k], r * n));
  }
  const [bound] = batchedBackwardLowerBound(net, [{ box, bounds, splits, rows, rowConst, alphas: best }], net.layers.length - 1);
  return { ...bound, alphas: best };
}
