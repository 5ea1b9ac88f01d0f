/**
 * Node features of the GNN (Lu & Kumar 2020), computed on the host in float64 from a branching context.
 * The reference takes LP primal and dual values; this package bounds with CROWN, so the LP values
 * are replaced by their CROWN counterparts: the backward coefficient ν̂ of each ReLU (the dual
 * multiplier of CROWN's relaxation) for λ₁ − λ₂, and the network evaluated at the minimiser x* of
 * the domain's linear lower bound for the LP primal point.
 */
import { addTransposed, forwardTrace } from '../network/network';
import type { BranchingContext } from '../branching/rule';
import { reluPhase } from '../bounds/types';

/** Host-side inputs of one GNN evaluation. */
export interface GraphFeatures {
  /** Input nodes: `[inputSize, 3]` = [l₀, x*, u₀]. */
  readonly input: Float32Array;
  /** Input nodes, backward pass: `[inputSize, 2]` = [l₀, u₀]. */
  readonly inputBounds: Float32Array;
  /** Per hidden layer: `[n, 7]` = [t, l, u, ν̂, z(x*), relu(z(x*)), b] (signed log scale). */
  readonly relu: Float32Array[];
  /** Per hidden layer: relaxation slope d (1 active, 0 inactive, u/(u − l) ambiguous). */
  readonly slope: Float32Array[];
  /** Per hidden layer: 1 on ambiguous unsplit ReLUs. */
  readonly ambiguous: Float32Array[];
  /** Per hidden layer: 1 where d ≠ 0 (dead ReLUs keep a zero embedding). */
  readonly alive: Float32Array[];
  /** Output node: `[1, 4]` = [l_out, u_out, f(x*), bias of the objective]. */
  readonly output: Float32Array;
  /** The objective folded into the last layer: `[1, n_last]` weights. */
  readonly outputWeights: Float32Array;
}

/** Signed logarithmic scale: keeps sign and order, tames the range of bounds. */
export function signedLog(v: number): number {
  return Math.sign(v) * Math.log1p(Math.abs(v));
}

/** Computes the GNN's node features for a branching context. */
export function graphFeatures(ctx: BranchingContext): GraphFeatures {
  const { net, box, bounds, splits } = ctx;
  const x = ctx.point ?? Float64Array.from(box.lower, (l, i) => (l + box.upper[i]) / 2);
  const trace = forwardTrace(net, x);
  const hidden = net.layers.length - 1;
  const slope: Float32Array[] = [];
  const ambiguous: Float32Array[] = [];
  const alive: Float32Array[] = [];
  for (let k = 0; k < hidden; k++) {
    const n = bounds.lower[k].length;
    const d = new Float32Array(n);
    const amb = new Float32Array(n);
    const al = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const l = bounds.lower[k][i];
      const u = bounds.upper[k][i];
      const s = splits[k][i];
      const isAmb = s === -1 && l < 0 && u > 0;
      const phase = reluPhase(s, l, u);
      d[i] = phase === -1 ? u / (u - l) : phase;
      amb[i] = isAmb ? 1 : 0;
      al[i] = d[i] !== 0 ? 1 : 0;
    }
    slope.push(d);
    ambiguous.push(amb);
    alive.push(al);
  }
  // Backward coefficients ν̂ of the objective (as in BaBSR and CROWN's upper relaxation slopes).
  const last = net.layers[hidden];
  const folded = new Float64Array(last.inSize);
  addTransposed(last, ctx.objective.coeffs, folded);
  const outputWeights = Float32Array.from(folded);
  let objBias = ctx.objective.constant;
  for (let i = 0; i < last.outSize; i++) objBias += ctx.objective.coeffs[i] * last.bias[i];
  const nus: Float64Array[] = new Array(hidden);
  let nu = Float64Array.from(outputWeights);
  for (let k = hidden - 1; k >= 0; k--) {
    nus[k] = Float64Array.from(nu);
    if (k === 0) break;
    const layer = net.layers[k];
    const next = new Float64Array(layer.inSize);
    addTransposed(layer, nu.map((v, i) => v * slope[k][i]), next);
    nu = next;
  }
  const relu: Float32Array[] = [];
  for (let k = 0; k < hidden; k++) {
    const n = bounds.lower[k].length;
    const f = new Float32Array(n * 7);
    for (let i = 0; i < n; i++) {
      const l = bounds.lower[k][i];
      const u = bounds.upper[k][i];
      const z = trace.preActivations[k][i];
      const t = ambiguous[k][i] ? (-l * u) / (u - l) : 0;
      const values = [t, l, u, nus[k][i], z, Math.max(z, 0), net.layers[k].bias[i]];
      for (let q = 0; q < 7; q++) f[i * 7 + q] = signedLog(values[q]);
    }
    relu.push(f);
  }
  const fx = trace.output.reduce((a, y, i) => a + ctx.objective.coeffs[i] * y, ctx.objective.constant);
  const input = new Float32Array(net.inputSize * 3);
  const inputBounds = new Float32Array(net.inputSize * 2);
  for (let i = 0; i < net.inputSize; i++) {
    input.set([signedLog(box.lower[i]), signedLog(x[i]), signedLog(box.upper[i])], i * 3);
    inputBounds.set([signedLog(box.lower[i]), signedLog(box.upper[i])], i * 2);
  }
  return {
    input,
    inputBounds,
    relu,
    slope,
    ambiguous,
    alive,
    output: Float32Array.from([signedLog(ctx.lower), signedLog(Math.max(fx, ctx.lower)), signedLog(fx), signedLog(objBias)]),
    outputWeights,
  };
}
