/**
 * Bounding one subdomain (an input box plus ReLU splits) against the open clauses of a property:
 * a clause is refuted on the domain when one of its constraints has a lower bound > 0 (the unsafe
 * constraints are `≤ 0`, so a tie stays unsafe).
 */
import { alphaCrownBound } from '../bounds/alpha';
import { backwardLowerBound, intermediateBounds, type IntermediateMethod, type LinearLowerBound } from '../bounds/crown';
import { safeLower } from '../bounds/float-safety';
import { affineInterval, ibpBounds, reluInterval } from '../bounds/ibp';
import { splitOf, type Box, type LayerBounds, type Splits } from '../bounds/types';
import { checkDeadline } from '../deadline';
import type { ReluNetwork } from '../network/network';
import { decimalGap, type OutputConstraint } from '../spec/spec';

/** How the objective of a domain is bounded. */
export type BoundingMethod = 'ibp' | 'crown' | 'alpha-crown';

/** Bounds of one clause on one domain. */
export interface ClauseBound {
  /** Largest lower bound over the clause's constraints (the clause is refuted when > 0). */
  readonly lower: number;
  /** Which constraint gave it. */
  readonly bestRow: number;
  /** Input coefficients of that constraint's linear lower bound (zeros for IBP). */
  readonly inputCoeffs: Float64Array;
  /** The input minimising that linear lower bound over the box (a counterexample candidate). */
  readonly minimiser: Float64Array;
}

/** Settings shared by the bounding calls of a search. */
export interface BoundingSettings {
  /** Objective bounding (default `'crown'`). */
  method?: BoundingMethod;
  /** Intermediate bounds (default `'crown'`, intersected with IBP). */
  intermediate?: IntermediateMethod;
  /** α iterations for `'alpha-crown'` (default 20). */
  alphaIterations?: number;
  /** A `performance.now()` time (ms) past which bounding throws a `DeadlineError` (default none). */
  deadline?: number;
}

/** Rows bounded together by {@link boundDomain} (whole clauses per chunk). */
const ROW_CHUNK = 1024;

/** Optional extra input of {@link boundDomain}. */
export interface BoundDomainExtras {
  /** Bounds valid on a superset of the domain (its parent's), intersected into the new ones. */
  prior?: LayerBounds;
}

/** Everything the search needs from bounding a domain. */
export interface DomainBound {
  /** Pre-activation bounds of the hidden layers. */
  readonly layers: LayerBounds;
  /** One entry per requested clause, in the same order. */
  readonly clauses: ClauseBound[];
}

function minimiserOf(box: Box, coeffs: ArrayLike<number>): Float64Array {
  return Float64Array.from(box.lower, (l, i) => (coeffs[i] > 0 ? l : coeffs[i] < 0 ? box.upper[i] : (l + box.upper[i]) / 2));
}

/** Bounds every given clause on the domain (box, splits). */
export async function boundDomain(
  net: ReluNetwork,
  box: Box,
  splits: Splits | undefined,
  clauses: readonly (readonly OutputConstraint[])[],
  settings: BoundingSettings = {},
  extras: BoundDomainExtras = {},
): Promise<DomainBound> {
  const method = settings.method ?? 'crown';
  checkDeadline(settings.deadline, 'boundDomain');
  const layers = method === 'ibp' ? ibpBounds(net, box, splits) : intermediateBounds(net, box, splits, settings.intermediate ?? 'crown', extras.prior, settings.deadline);
  const out: ClauseBound[] = [];
  const yMag = outputMagnitude(net, box, layers, splits);
  // Clauses are bounded in chunks of about ROW_CHUNK rows, so that memory stays small and the
  // deadline is checked between chunks however many clauses the property has.
  for (let first = 0; first < clauses.length;) {
    checkDeadline(settings.deadline, 'boundDomain');
    let last = first;
    let m = 0;
    while (last < clauses.length && (last === first || m + clauses[last].length <= ROW_CHUNK)) m += clauses[last++].length;
    const chunk = clauses.slice(first, last);
    first = last;
    const rows = new Float64Array(m * net.outputSize);
    const rowConst = new Float64Array(m);
    let r = 0;
    for (const clause of chunk) for (const c of clause) { rows.set(c.coeffs, r * net.outputSize); rowConst[r++] = c.constant; }
    let result: LinearLowerBound;
    const interval = outputIntervalRows(net, box, layers, splits, rows, rowConst);
    if (method === 'ibp') {
      result = { lower: interval, inputCoeffs: new Float64Array(m * net.inputSize), constant: rowConst };
    } else {
      result = method === 'alpha-crown' && m > 0
        ? await alphaCrownBound(net, box, layers, splits, rows, rowConst, { iterations: settings.alphaIterations ?? 20, deadline: settings.deadline })
        : backwardLowerBound(net, box, layers, splits, net.layers.length - 1, rows, rowConst);
      // Both bounds are sound: keep the larger (CROWN is usually, but not always, the tighter).
      const lower = Float64Array.from(result.lower, (v, q) => Math.max(v, interval[q]));
      result = { ...result, lower };
    }
    // The bounds are of the float64 constraints; those read from decimals differ from the exact ones.
    r = 0;
    for (const clause of chunk) for (const c of clause) result.lower[r++] -= decimalGap(c, yMag);
    r = 0;
    for (const clause of chunk) {
      let best = -Infinity;
      let bestRow = -1;
      for (let j = 0; j < clause.length; j++) if (result.lower[r + j] > best) { best = result.lower[r + j]; bestRow = j; }
      const coeffs = bestRow >= 0 ? result.inputCoeffs.slice((r + bestRow) * net.inputSize, (r + bestRow + 1) * net.inputSize) : new Float64Array(net.inputSize);
      out.push({ lower: best, bestRow: Math.max(bestRow, 0), inputCoeffs: coeffs, minimiser: minimiserOf(box, coeffs) });
      r += clause.length;
    }
  }
  return { layers, clauses: out };
}

/**
 * Sound intervals of every network output over the domain: IBP through the last layer only, from
 * the last hidden layer's pre-activation bounds (so it profits from tighter intermediate bounds).
 */
export function outputInterval(net: ReluNetwork, box: Box, layers: LayerBounds, splits: Splits | undefined): { lower: Float64Array; upper: Float64Array } {
  const last = net.layers.length - 1;
  let hl: Float64Array = box.lower;
  let hu: Float64Array = box.upper;
  if (last > 0) {
    const k = last - 1;
    hl = new Float64Array(layers.lower[k].length);
    hu = new Float64Array(layers.lower[k].length);
    for (let i = 0; i < hl.length; i++) [hl[i], hu[i]] = reluInterval(layers.lower[k][i], layers.upper[k][i], splitOf(splits, k, i));
  }
  return affineInterval(net.layers[last], hl, hu);
}

/** Interval lower bounds of `rows·y + rowConst` over the domain, from {@link outputInterval}. */
export function outputIntervalRows(net: ReluNetwork, box: Box, layers: LayerBounds, splits: Splits | undefined, rows: Float64Array, rowConst: Float64Array): Float64Array {
  const out = outputInterval(net, box, layers, splits);
  const m = rowConst.length;
  const lower = new Float64Array(m);
  for (let q = 0; q < m; q++) {
    let v = rowConst[q];
    let mag = Math.abs(v);
    for (let i = 0; i < net.outputSize; i++) {
      const a = rows[q * net.outputSize + i];
      v += a >= 0 ? a * out.lower[i] : a * out.upper[i];
      mag += Math.abs(a) * Math.max(Math.abs(out.lower[i]), Math.abs(out.upper[i]));
    }
    // The output intervals are already widened; this sum is widened once more.
    lower[q] = safeLower(v, mag);
  }
  return lower;
}

/** max(|lower|, |upper|) of every network output over the domain. */
export function outputMagnitude(net: ReluNetwork, box: Box, layers: LayerBounds, splits: Splits | undefined): Float64Array {
  const out = outputInterval(net, box, layers, splits);
  return Float64Array.from(out.lower, (l, i) => Math.max(Math.abs(l), Math.abs(out.upper[i])));
}
