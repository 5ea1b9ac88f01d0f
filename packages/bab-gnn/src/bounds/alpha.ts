/**
 * α-CROWN: the lower-relaxation slopes of ambiguous ReLUs are optimised by gradient ascent on the
 * CROWN bound, one slope per (objective row, neuron). The gradient comes from tensor-gpu's
 * reverse-mode autodiff on a float32 copy of the backward pass; the bound that is returned is
 * recomputed in float64 by {@link backwardLowerBound} with the optimised slopes (clipped to [0, 1],
 * where every slope is sound), so float32 only steers the search and never enters a bound. Per
 * row, the best float64 bound seen (the CROWN start included) is kept, so α-CROWN is never looser
 * than CROWN. With split ReLUs, the split multipliers β ≥ 0 (see {@link Betas}) are optimised
 * together with α (α,β-CROWN).
 */
import * as t from '@nnlab/tensor-gpu';
import { hasConvolution, type DenseLayer, type ReluNetwork } from '../network/network';
import { hostAlphaBound } from './alpha-host';
import { backwardLowerBound, type Alphas, type Betas, type LinearLowerBound } from './crown';
import { defaultLowerSlope, splitOf, type Box, type LayerBounds, type Splits } from './types';

/** Settings of {@link alphaCrownBound}. */
export interface AlphaOptions {
  /** Gradient steps (default 20). */
  iterations?: number;
  /** Adam step size on the slopes and multipliers (default 0.1). */
  lr?: number;
  /** Also optimise the split multipliers β (default true when there are splits). */
  beta?: boolean;
  /** Stop optimising (keeping the best bound so far, which is sound) once `performance.now()` passes this, in ms. */
  deadline?: number;
}

interface ReluMasks {
  fixedSlope: t.Tensor; // slope of stable / split ReLUs (1 active, 0 inactive, 0 ambiguous)
  ambiguous: t.Tensor; // 1 on ambiguous ReLUs
  upSlope: t.Tensor; // u/(u − l) on ambiguous ReLUs, else 0
  upIntercept: t.Tensor; // −l·u/(u − l) on ambiguous ReLUs, else 0
  betaSign: t.Tensor; // +1 split inactive, −1 split active, else 0
}

function reluMasks(bounds: LayerBounds, splits: Splits | undefined, k: number): { masks: ReluMasks; ambiguousIdx: number[] } {
  const n = bounds.lower[k].length;
  const fixed = new Float32Array(n);
  const amb = new Float32Array(n);
  const us = new Float32Array(n);
  const ui = new Float32Array(n);
  const bs = new Float32Array(n);
  const ambiguousIdx: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = splitOf(splits, k, i);
    bs[i] = s === 0 ? 1 : s === 1 ? -1 : 0;
    const l = bounds.lower[k][i];
    const u = bounds.upper[k][i];
    if (s === 1 || (s === -1 && l >= 0)) fixed[i] = 1;
    else if (s === 0 || (s === -1 && u <= 0)) fixed[i] = 0;
    else {
      amb[i] = 1;
      us[i] = u / (u - l);
      ui[i] = (-l * u) / (u - l);
      ambiguousIdx.push(i);
    }
  }
  return { masks: { fixedSlope: t.tensor(fixed, [1, n]), ambiguous: t.tensor(amb, [1, n]), upSlope: t.tensor(us, [1, n]), upIntercept: t.tensor(ui, [1, n]), betaSign: t.tensor(bs, [1, n]) }, ambiguousIdx };
}

/**
 * α-CROWN lower bounds of `rows·y + rowConst` (y = network output) over the box, with the given
 * sound intermediate bounds. Runs on the current tensor-gpu backend; frees every tensor it makes.
 * On a network with convolutions the slopes are optimised on the host ({@link hostAlphaBound}, at
 * most 10 steps, no split multipliers).
 *
 * @param rows - row-major `[m, outputSize]`.
 * @param rowConst - `[m]`.
 */
export async function alphaCrownBound(
  net: ReluNetwork,
  box: Box,
  bounds: LayerBounds,
  splits: Splits | undefined,
  rows: Float64Array,
  rowConst: Float64Array,
  options: AlphaOptions = {},
): Promise<LinearLowerBound & { alphas: Alphas; betas: Betas }> {
  const iterations = options.iterations ?? 20;
  const lr = options.lr ?? 0.1;
  if (!Number.isInteger(iterations) || iterations < 0) throw new Error(`alphaCrownBound: iterations must be an integer ≥ 0, got ${iterations}`);
  if (!(lr > 0)) throw new Error(`alphaCrownBound: lr must be > 0, got ${lr}`);
  const m = rowConst.length;
  const last = net.layers.length - 1;
  const hidden = net.layers.slice(0, -1).map((l) => l.outSize);
  // The float32 search below multiplies dense weight matrices: convolutional networks are
  // optimised on the host (slopes only, no split multipliers).
  if (hasConvolution(net)) {
    const r = hostAlphaBound(net, box, bounds, splits, rows, rowConst, { iterations: Math.min(iterations, 10), deadline: options.deadline });
    return { ...r, betas: hidden.map((n) => new Float64Array(m * n)) };
  }
  // Start from CROWN's slopes.
  const alphas = hidden.map((n, k) => {
    const a = new Float64Array(m * n);
    for (let i = 0; i < n; i++) {
      const v = defaultLowerSlope(bounds.lower[k][i], bounds.upper[k][i]);
      for (let r = 0; r < m; r++) a[r * n + i] = v;
    }
    return a;
  });
  const useBeta = (options.beta ?? true) && !!splits && splits.some((s) => s.some((v) => v !== -1));
  const betas = hidden.map((n) => new Float64Array(m * n));
  let best = backwardLowerBound(net, box, bounds, splits, last, rows, rowConst, alphas, useBeta ? betas : undefined);
  const bestAlphas = alphas.map((a) => Float64Array.from(a));
  const bestBetas = betas.map((b) => Float64Array.from(b));
  const anyAmbiguous = hidden.some((n, k) => {
    for (let i = 0; i < n; i++) if (splitOf(splits, k, i) === -1 && bounds.lower[k][i] < 0 && bounds.upper[k][i] > 0) return true;
    return false;
  });
  if (iterations === 0 || (!anyAmbiguous && !useBeta)) return { ...best, alphas: bestAlphas, betas: bestBetas };

  const consts = t.tidy(() => ({
    // Dense only: networks with convolutions were optimised above.
    weights: (net.layers as readonly DenseLayer[]).map((l) => t.tensor(Float32Array.from(l.weights), [l.outSize, l.inSize])),
    biases: net.layers.map((l) => t.tensor(Float32Array.from(l.bias), [l.outSize, 1])),
    rows: t.tensor(Float32Array.from(rows), [m, net.outputSize]),
    rowConst: t.tensor(Float32Array.from(rowConst), [m, 1]),
    lower: t.tensor(Float32Array.from(box.lower), [net.inputSize, 1]),
    upper: t.tensor(Float32Array.from(box.upper), [net.inputSize, 1]),
    masks: hidden.map((_, k) => reluMasks(bounds, splits, k).masks),
  }));
  const objective = (alphaTensors: t.Tensor[], betaTensors: t.Tensor[]): t.Tensor => {
    let lambda = consts.rows;
    let c = consts.rowConst;
    for (let j = last; j >= 0; j--) {
      c = t.add(c, t.matmul(lambda, consts.biases[j]));
      lambda = t.matmul(lambda, consts.weights[j]);
      if (j === 0) break;
      const mk = consts.masks[j - 1];
      const pos = t.relu(lambda);
      const neg = t.sub(lambda, pos);
      const lowSlope = t.add(mk.fixedSlope, t.mul(mk.ambiguous, alphaTensors[j - 1]));
      const upSlope = t.add(mk.fixedSlope, mk.upSlope);
      c = t.add(c, t.sum(t.mul(neg, mk.upIntercept), 1, true));
      lambda = t.add(t.mul(pos, lowSlope), t.mul(neg, upSlope));
      if (useBeta) lambda = t.add(lambda, t.mul(mk.betaSign, betaTensors[j - 1]));
    }
    const pos = t.relu(lambda);
    const neg = t.sub(lambda, pos);
    const lb = t.add(c, t.add(t.matmul(pos, consts.lower), t.matmul(neg, consts.upper)));
    return t.neg(t.sum(lb));
  };
  const step = t.valueAndGrad(objective);
  // tensor-gpu's Adam rule on the host, in float64 like the parameters themselves: α and β only
  // steer the search (every α in [0, 1] and β ≥ 0 gives a sound bound, recomputed in float64), so
  // the precision of the steps matters for tightness, never for soundness.
  const params = [...alphas, ...betas];
  const adamStates = params.map((a) => t.optim.adamHostState(a.length));
  const adam = { lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };
  try {
    for (let it = 1; it <= iterations; it++) {
      if (options.deadline !== undefined && performance.now() > options.deadline) break;
      const alphaTensors = alphas.map((a, k) => t.tensor(Float32Array.from(a), [m, hidden[k]]));
      const betaTensors = betas.map((b, k) => t.tensor(Float32Array.from(b), [m, hidden[k]]));
      const { value, grads } = step(alphaTensors, betaTensors);
      const gradTensors = [...((grads[0] ?? []) as (t.Tensor | null)[]), ...((grads[1] ?? []) as (t.Tensor | null)[])];
      const gradValues = await Promise.all(gradTensors.map((g) => (g ? g.data() : null)));
      value.dispose();
      t.dispose([...alphaTensors, ...betaTensors]);
      gradTensors.forEach((g) => g?.dispose());
      params.forEach((a, k) => {
        const g = gradValues[k];
        if (!g) return;
        // Descend on −bound, i.e. ascend on the bound; then project α to [0, 1] and β to [0, ∞).
        t.optim.adamUpdate(a, g, adamStates[k], adam);
        const upper = k < alphas.length ? 1 : Infinity;
        for (let q = 0; q < a.length; q++) a[q] = Math.min(upper, Math.max(0, a[q]));
      });
      const candidate = backwardLowerBound(net, box, bounds, splits, last, rows, rowConst, alphas, useBeta ? betas : undefined);
      const lower = Float64Array.from(best.lower);
      const inputCoeffs = Float64Array.from(best.inputCoeffs);
      const constant = Float64Array.from(best.constant);
      for (let r = 0; r < m; r++) {
        if (candidate.lower[r] > lower[r]) {
          lower[r] = candidate.lower[r];
          constant[r] = candidate.constant[r];
          inputCoeffs.set(candidate.inputCoeffs.subarray(r * net.inputSize, (r + 1) * net.inputSize), r * net.inputSize);
          hidden.forEach((n, k) => {
            bestAlphas[k].set(alphas[k].subarray(r * n, (r + 1) * n), r * n);
            bestBetas[k].set(betas[k].subarray(r * n, (r + 1) * n), r * n);
          });
        }
      }
      best = { lower, inputCoeffs, constant };
    }
  } finally {
    t.dispose([...consts.weights, ...consts.biases, consts.rows, consts.rowConst, consts.lower, consts.upper]);
    for (const mk of consts.masks) t.dispose([mk.fixedSlope, mk.ambiguous, mk.upSlope, mk.upIntercept, mk.betaSign]);
  }
  return { ...best, alphas: bestAlphas, betas: bestBetas };
}
