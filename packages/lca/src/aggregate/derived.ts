// Numbers derived from an LcaResult: conservation, loss reconstruction, fraction helping.
import type { LcaResult } from './result';

/** Which parameters the fraction helping is counted over: all P (the reference), or only those that moved. */
export type FractionDenominator = 'all' | 'moved';

/** L(θ_T) − L(θ_0), as measured by the oracle. */
export function measuredLossChange(result: LcaResult): number {
  return result.losses[result.losses.length - 1] - result.losses[0];
}

/** Σ_t Σ_i A[t, i]. */
export function totalLca(result: LcaResult): number {
  let s = 0;
  for (const v of result.lcaPerIteration) s += v;
  return s;
}

/** The conservation error `|Σ_t Σ_i A[t, i] − (L_T − L_0)| / |L_T − L_0|`. */
export function conservationError(result: LcaResult): number {
  const dL = measuredLossChange(result);
  return Math.abs(totalLca(result) - dL) / Math.abs(dL);
}

/** The LCA loss curve `L̂_t = L_0 + Σ_{τ<t} Σ_i A[τ, i]`, t = 0 … T. */
export function lossReconstruction(result: LcaResult): number[] {
  const out = [result.losses[0]];
  for (const v of result.lcaPerIteration) out.push(out[out.length - 1] + v);
  return out;
}

/** The cumulative approximation error `L_t − L̂_t`, t = 0 … T. */
export function cumulativeError(result: LcaResult): number[] {
  const hat = lossReconstruction(result);
  return result.losses.map((l, t) => l - hat[t]);
}

/** Fraction of parameters that helped (A[t, i] < 0) per iteration. */
export function fractionHelping(result: LcaResult, denominator: FractionDenominator = 'all'): number[] {
  return result.helpingCounts.map((h, t) => h / (denominator === 'all' ? result.parameterCount : Math.max(1, result.movedCounts[t])));
}

/** Mean over iterations of {@link fractionHelping}. */
export function meanFractionHelping(result: LcaResult, denominator: FractionDenominator = 'all'): number {
  const f = fractionHelping(result, denominator);
  return f.length ? f.reduce((a, b) => a + b, 0) / f.length : NaN;
}

/** How many iterations ended with each Simpson piece count n_t, e.g. `{ 2: 480, 4: 20 }`. */
export function pieceCounts(result: LcaResult): Record<number, number> {
  const out: Record<number, number> = {};
  for (const n of result.pieces) out[n] = (out[n] ?? 0) + 1;
  return out;
}
