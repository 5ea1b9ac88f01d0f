/**
 * Deciding a leaf of ReLU splitting: once no ReLU of a domain is ambiguous, the network is one
 * affine map on the domain (the box intersected with the split constraints), and a clause, a
 * conjunction of affine constraints, is decided by one linear program:
 *
 *   maximise t  s.t.  g_r(x) + t·s_r ≤ 0 for every clause constraint and split constraint r, x ∈ box
 *
 * (each row scaled by its largest coefficient s_r). t* > 0 gives a point strictly inside every
 * constraint, a counterexample candidate that is then replayed exactly; t* < 0 means the clause is
 * infeasible on the domain, and the LP's dual multipliers λ (clause rows) and μ (split rows) are a
 * certificate: Σλ·g + Σμ·split ≥ −t* > 0 on the box. The certificate is never trusted as computed:
 * it is re-evaluated by the sound float64 backward bound (β-CROWN with β = μ), so the float64
 * simplex only has to find good multipliers, as α-CROWN's float32 optimiser does.
 */
import { backwardLowerBound } from '../bounds/crown';
import type { Box, LayerBounds, Splits } from '../bounds/types';
import { splitOf } from '../bounds/types';
import { checkDeadline } from '../deadline';
import { isConv, type ReluNetwork } from '../network/network';
import { decimalGap, type OutputConstraint } from '../properties/spec';
import { outputMagnitude } from './bound-domain';
import { solveBoxLp } from './box-lp';

/** What {@link decideLeaf} found for one clause. */
export type LeafDecision =
  | { readonly kind: 'refuted'; readonly lower: number }
  | { readonly kind: 'candidate'; readonly point: Float64Array }
  | { readonly kind: 'undecided' };

/** The affine pre-activations of every hidden layer and the output, as functions of x, under the leaf's fixed pattern. */
function affineMaps(net: ReluNetwork, bounds: LayerBounds, splits: Splits): { a: Float64Array; c: Float64Array; rows: number }[] | null {
  const n0 = net.inputSize;
  const maps: { a: Float64Array; c: Float64Array; rows: number }[] = [];
  // h = P·x + q, starting from the identity.
  let p = new Float64Array(n0 * n0);
  for (let i = 0; i < n0; i++) p[i * n0 + i] = 1;
  let q = new Float64Array(n0);
  for (let k = 0; k < net.layers.length; k++) {
    const layer = net.layers[k];
    // The leaf program is a dense tableau over the inputs; image inputs are far beyond its size cap.
    if (isConv(layer)) return null;
    const a = new Float64Array(layer.outSize * n0);
    const c = Float64Array.from(layer.bias);
    for (let i = 0; i < layer.outSize; i++) {
      for (let j = 0; j < layer.inSize; j++) {
        const w = layer.weights[i * layer.inSize + j];
        if (w === 0) continue;
        c[i] += w * q[j];
        for (let r = 0; r < n0; r++) a[i * n0 + r] += w * p[j * n0 + r];
      }
    }
    maps.push({ a, c, rows: layer.outSize });
    if (k === net.layers.length - 1) break;
    // Through the ReLU with its fixed state.
    p = Float64Array.from(a);
    q = Float64Array.from(c);
    for (let i = 0; i < layer.outSize; i++) {
      const s = splitOf(splits, k, i);
      const active = s === 1 || (s === -1 && bounds.lower[k][i] >= 0);
      const inactive = s === 0 || (s === -1 && bounds.upper[k][i] <= 0);
      if (!active && !inactive) return null; // an ambiguous ReLU: not a leaf
      if (inactive) {
        p.fill(0, i * n0, (i + 1) * n0);
        q[i] = 0;
      }
    }
  }
  return maps;
}

/**
 * Decides one clause on a leaf domain (no ambiguous ReLU left): `refuted` with a sound lower
 * bound > 0 of a non-negative combination of the clause's constraints and the split constraints,
 * `candidate` with a point strictly inside the clause on the leaf's affine piece (to be confirmed
 * by exact replay), or `undecided` (a tie, an LP too large, or numerical trouble).
 */
export function decideLeaf(net: ReluNetwork, box: Box, bounds: LayerBounds, splits: Splits, clause: readonly OutputConstraint[], deadline?: number): LeafDecision {
  checkDeadline(deadline, 'decideLeaf');
  const maps = affineMaps(net, bounds, splits);
  if (!maps) return { kind: 'undecided' };
  const n = net.inputSize;
  const splitRows: { k: number; i: number; sign: number }[] = [];
  for (let k = 0; k < splits.length; k++) for (let i = 0; i < splits[k].length; i++) if (splits[k][i] !== -1) splitRows.push({ k, i, sign: splits[k][i] === 0 ? 1 : -1 });
  const rowCount = clause.length + splitRows.length;
  const coeffs = new Float64Array(rowCount * n);
  const consts = new Float64Array(rowCount);
  const out = maps[maps.length - 1];
  clause.forEach((c, r) => {
    let v = c.constant;
    for (let o = 0; o < out.rows; o++) {
      const w = c.coeffs[o];
      if (w === 0) continue;
      v += w * out.c[o];
      for (let i = 0; i < n; i++) coeffs[r * n + i] += w * out.a[o * n + i];
    }
    consts[r] = v;
  });
  splitRows.forEach(({ k, i, sign }, j) => {
    const r = clause.length + j;
    for (let q = 0; q < n; q++) coeffs[r * n + q] = sign * maps[k].a[i * n + q];
    consts[r] = sign * maps[k].c[i];
  });
  const lp = solveBoxLp(coeffs, consts, rowCount, box, deadline);
  if (!lp) return { kind: 'undecided' };
  if (lp.t > 0) return { kind: 'candidate', point: lp.x };
  // Certificate: combine the clause rows with λ and the split rows with μ, and bound the
  // combination soundly (β-CROWN with β = μ; every other ReLU is stable on the leaf).
  const lambda = lp.duals.subarray(0, clause.length);
  if (!lambda.some((v) => v > 0)) return { kind: 'undecided' };
  const row = new Float64Array(net.outputSize);
  let constant = 0;
  clause.forEach((c, j) => {
    if (lambda[j] === 0) return;
    for (let o = 0; o < net.outputSize; o++) row[o] += lambda[j] * c.coeffs[o];
    constant += lambda[j] * c.constant;
  });
  const betas = splits.map((s) => new Float64Array(s.length));
  splitRows.forEach(({ k, i }, j) => {
    betas[k][i] = lp.duals[clause.length + j];
  });
  const bound = backwardLowerBound(net, box, bounds, splits, net.layers.length - 1, row, Float64Array.of(constant), undefined, betas);
  const yMag = outputMagnitude(net, box, bounds, splits);
  let lower = bound.lower[0];
  clause.forEach((c, j) => {
    if (lambda[j] > 0) lower -= lambda[j] * decimalGap(c, yMag) * (1 + 1e-9);
  });
  // λ·g ≤ 0 wherever every g_j ≤ 0 (λ ≥ 0), so a positive lower bound of the combination refutes the clause.
  return lower > 0 ? { kind: 'refuted', lower } : { kind: 'undecided' };
}
