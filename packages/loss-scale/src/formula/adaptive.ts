import { erfinv } from './erfinv';
import { resolveAdaptiveScaleOptions, type AdaptiveScaleOptions } from './options';

/** What the adaptive scale of one layer is computed from (all statistics of the float16 values). */
export interface LayerStatistics {
  /** Mean of G² over the incoming gradient (population variance + mean²). */
  gradMeanSquare: number;
  /** Mean of W² over the layer's weight. */
  weightMeanSquare: number;
  /** max |G|. */
  gradAbsMax: number;
  /** max |W|. */
  weightAbsMax: number;
  /** N: terms summed per input-gradient element (out-features for Linear, outC·kH·kW for conv). */
  reduction: number;
  /** s_prev: the scale the incoming gradient already carries (default 1). */
  previousScale?: number;
}

/** The adaptive scale of one layer and the bounds it came from. */
export interface AdaptiveScale {
  /** σ = √(m_G·m_W)·√(reluFactor·N): the modelled standard deviation of the input gradient. */
  sigma: number;
  /** α_uf = u_min / (√2·erfinv(T_uf)·σ), before any bound (Infinity when σ = 0). */
  underflowBound: number;
  /** (u_max / N) / (max|G|·max|W|) (Infinity when either is 0). */
  overflowBound: number;
  /** min(max(α_uf, 1), overflow bound): α before the heuristic caps and the power-of-two floor. */
  unbounded: number;
  /** The scale applied: after the caps SB and AB/s_prev and the power-of-two floor. */
  alpha: number;
}

/** √2·erfinv(T): the threshold, in standard deviations, below which a fraction T of a Gaussian lies. */
export function gaussianQuantileFactor(underflowRate: number): number {
  return Math.SQRT2 * erfinv(underflowRate);
}

/** The largest power of two ≤ x (exact for every positive finite float64). */
export function powerOfTwoFloor(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) throw new Error(`powerOfTwoFloor: x must be a finite number > 0, got ${String(x)}`);
  let p = 2 ** Math.floor(Math.log2(x));
  // log2 may be off by one ulp next to exact powers of two: correct in both directions.
  if (p > x) p /= 2;
  if (p * 2 <= x) p *= 2;
  return p;
}

/**
 * The layer-wise scale α of adaptive loss scaling (float64 reference of the spec's steps 4–8):
 * the smallest scale that keeps the modelled underflow rate of the input gradient at most T_uf,
 * at least 1, bounded so that no N-term accumulation can overflow, capped by SB and AB/s_prev,
 * and rounded down to a power of two.
 */
export function adaptiveScale(stats: LayerStatistics, options: AdaptiveScaleOptions = {}): AdaptiveScale {
  const o = resolveAdaptiveScaleOptions(options, 'adaptiveScale');
  checkStatistics(stats);
  const previous = stats.previousScale ?? 1;
  const sigma = Math.sqrt(stats.gradMeanSquare * stats.weightMeanSquare) * Math.sqrt(o.reluFactor * stats.reduction);
  const underflowBound = sigma === 0 ? Infinity : o.uMin / (gaussianQuantileFactor(o.underflowRate) * sigma);
  const product = stats.gradAbsMax * stats.weightAbsMax;
  const overflowBound = product === 0 ? Infinity : o.uMax / stats.reduction / product;
  const unbounded = Math.min(sigma === 0 ? 1 : Math.max(underflowBound, 1), overflowBound);
  let alpha = Math.min(unbounded, o.accumUpperBound / previous, o.scaleUpperBound);
  if (o.powerOfTwo) alpha = powerOfTwoFloor(alpha);
  return { sigma, underflowBound, overflowBound, unbounded, alpha };
}

function checkStatistics(stats: LayerStatistics): void {
  if (stats === null || typeof stats !== 'object') throw new Error('adaptiveScale: stats must be an object');
  for (const name of ['gradMeanSquare', 'weightMeanSquare', 'gradAbsMax', 'weightAbsMax'] as const) {
    const v = stats[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`adaptiveScale: stats.${name} must be a finite number ≥ 0, got ${String(v)}`);
  }
  if (!Number.isInteger(stats.reduction) || stats.reduction < 1) throw new Error(`adaptiveScale: stats.reduction must be a positive integer, got ${String(stats.reduction)}`);
  const p = stats.previousScale;
  if (p !== undefined && (typeof p !== 'number' || !Number.isFinite(p) || p <= 0)) throw new Error(`adaptiveScale: stats.previousScale must be a finite number > 0, got ${String(p)}`);
}

/** Mean of squares and max |v| of a host array, in float64. */
export function meanSquareAndAbsMax(values: ArrayLike<number>): { meanSquare: number; absMax: number } {
  let sq = 0;
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    sq += v * v;
    const a = Math.abs(v);
    if (a > max) max = a;
  }
  return { meanSquare: values.length === 0 ? 0 : sq / values.length, absMax: max };
}
