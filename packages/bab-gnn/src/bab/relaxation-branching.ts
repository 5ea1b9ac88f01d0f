/**
 * Input splitting guided by the relaxations: which input dimension, once halved, tightens the
 * ReLU relaxations that make a domain's linear bound loose. Halving a dimension does not move the
 * minimum of the parent's linear bound on the half that holds its minimiser; that half only
 * improves because the ambiguous ReLUs' pre-activation ranges shrink. So every ambiguous ReLU is
 * weighted by how much its relaxation loosens the objective's bound (the gap of the relaxation
 * CROWN uses there, times the objective's backward coefficient, as in BaBSR), and that weight is
 * shared among the input dimensions by their part in the ReLU's range (|∂z/∂x_j|·width_j, with the
 * relaxed network's slopes). The dimension with the largest total share is split. Costs one
 * backward pass of one row and one forward Jacobian pass (inputs × neurons) per domain, far less
 * than bounding a child.
 */
import { defaultLowerSlope, type Box, type LayerBounds } from '../bounds/types';
import { addTransposed, isConv, type DenseLayer, type ReluNetwork } from '../network/network';
import { canBisect } from './input-split';

/** Relaxed slope of a ReLU with bounds [l, u]: 1 active, 0 inactive, u/(u − l) ambiguous. */
function relaxedSlope(l: number, u: number): number {
  if (l >= 0) return 1;
  if (u <= 0) return 0;
  return u / (u - l);
}

/**
 * How much each ambiguous ReLU loosens the CROWN bound of `objective·y`, per hidden layer: the
 * objective's backward coefficient ν at the ReLU times the largest gap of the relaxation used for
 * its sign (lower line, slope 1 or 0: min(u, −l); upper line: −l·u/(u − l)). 0 on stable ReLUs.
 */
export function relaxationLooseness(net: ReluNetwork, layers: LayerBounds, objective: ArrayLike<number>): Float64Array[] {
  const hidden = net.layers.length - 1;
  const out: Float64Array[] = new Array(hidden);
  let nu = Float64Array.from(objective);
  for (let j = hidden; j >= 1; j--) {
    const back = new Float64Array(net.layers[j].inSize);
    addTransposed(net.layers[j], nu, back);
    const k = j - 1;
    const loose = new Float64Array(back.length);
    for (let i = 0; i < back.length; i++) {
      const l = layers.lower[k][i];
      const u = layers.upper[k][i];
      const v = back[i];
      if (l >= 0) continue;
      if (u <= 0) {
        back[i] = 0;
        continue;
      }
      if (v >= 0) {
        loose[i] = v * Math.min(u, -l);
        back[i] = v * defaultLowerSlope(l, u);
      } else {
        const slope = u / (u - l);
        loose[i] = -v * -l * slope;
        back[i] = v * slope;
      }
    }
    out[k] = loose;
    nu = back;
  }
  return out;
}

/**
 * Per input dimension, the relaxation looseness it accounts for (see the module comment), summed
 * over the given objectives; null on networks with convolutions (their inputs are not split).
 *
 * @param objectives - output coefficient rows, one per open clause (its best constraint).
 */
export function relaxationShares(net: ReluNetwork, box: Box, layers: LayerBounds, objectives: readonly ArrayLike<number>[]): Float64Array | null {
  if (net.layers.some(isConv)) return null;
  const d = net.inputSize;
  const width = Float64Array.from(box.upper, (u, i) => u - box.lower[i]);
  const looseness = objectives.map((o) => relaxationLooseness(net, layers, o));
  const scores = new Float64Array(d);
  // Jacobian of the pre-activations of layer k with respect to the input, [n, d], through the relaxed slopes.
  let jac = Float64Array.from((net.layers[0] as DenseLayer).weights);
  const row = new Float64Array(d);
  for (let k = 0; k < net.layers.length - 1; k++) {
    const n = net.layers[k].outSize;
    const lo = layers.lower[k];
    const up = layers.upper[k];
    for (let i = 0; i < n; i++) {
      let weight = 0;
      for (const loose of looseness) weight += loose[k][i];
      if (weight === 0) continue;
      let total = 0;
      for (let c = 0; c < d; c++) {
        row[c] = Math.abs(jac[i * d + c]) * width[c];
        total += row[c];
      }
      if (total > 0) for (let c = 0; c < d; c++) scores[c] += (weight * row[c]) / total;
    }
    if (k === net.layers.length - 2) break;
    // Through the ReLUs (scale rows by the slopes), then the next layer's weights.
    for (let i = 0; i < n; i++) {
      const s = relaxedSlope(lo[i], up[i]);
      if (s !== 1) for (let c = 0; c < d; c++) jac[i * d + c] *= s;
    }
    const next = net.layers[k + 1] as DenseLayer;
    const out = new Float64Array(next.outSize * d);
    for (let r = 0; r < next.outSize; r++) {
      for (let i = 0; i < n; i++) {
        const w = next.weights[r * n + i];
        if (w === 0) continue;
        for (let c = 0; c < d; c++) out[r * d + c] += w * jac[i * d + c];
      }
    }
    jac = out;
  }
  return scores;
}

/**
 * The input dimension with the largest {@link relaxationShares} score that can be halved in
 * float64, or null when no dimension has a positive score (no ambiguous ReLU loosens the bound:
 * the caller then falls back to the linear bound's coefficients).
 */
export function chooseInputDimensionByRelaxation(net: ReluNetwork, box: Box, layers: LayerBounds, objectives: readonly ArrayLike<number>[]): number | null {
  const scores = relaxationShares(net, box, layers, objectives);
  if (!scores) return null;
  let best: number | null = null;
  for (let i = 0; i < scores.length; i++) if (scores[i] > 0 && canBisect(box, i) && (best === null || scores[i] > scores[best])) best = i;
  return best;
}
