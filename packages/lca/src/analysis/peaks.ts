// Synchronised learning across layers: do layers' LCA peaks fall on the same iterations?
import * as t from '@nnlab/tensor-gpu';

/** Options of {@link findPeaks} and {@link peakSynchronization}. */
export interface PeakOptions {
  /** A peak must be the strict maximum within ±`peakWindow` iterations (default 2). */
  peakWindow?: number;
  /** Peaks must exceed this: `'median'` of the layer's −a_ℓ (default) or a number. */
  peakThreshold?: 'median' | number;
  /** Circular-shift shuffles for the baseline (default 1000). */
  shuffles?: number;
  /** Seed of the shuffles (default 0). */
  seed?: number;
}

/** What {@link peakSynchronization} measured. */
export interface PeakSynchronization {
  /** Peak iterations of each series. */
  peaks: number[][];
  /** `matrix[a][b]`: fraction of the peaks of a that coincide with a peak of b (diagonal 1, NaN without peaks). */
  matrix: number[][];
  /** Mean of the off-diagonal entries (over pairs where a has peaks). */
  observed: number;
  /** Mean of the same statistic when each layer's peak times are circularly shifted by a random offset. */
  baseline: number;
  /** Standard deviation of the baseline over the shuffles. */
  baselineStd: number;
  /** Share of shuffles whose statistic is ≥ the observed one (one-sided, with the +1 correction). */
  pValue: number;
  /** Iterations on which at least two series peak together. */
  sharedPeakIterations: number;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Peaks of learning in one layer series a_ℓ[t] (negative = helped): iterations where −a_ℓ[t] is
 * the strict maximum within ±`peakWindow` iterations and above the threshold (default: the
 * median of −a_ℓ).
 */
export function findPeaks(series: readonly number[], options: PeakOptions = {}): number[] {
  const w = options.peakWindow ?? 2;
  if (!Number.isInteger(w) || w < 1) throw new Error(`findPeaks: peakWindow must be a positive integer, got ${String(w)}`);
  const v = series.map((x) => -x);
  const threshold = options.peakThreshold === undefined || options.peakThreshold === 'median' ? median(v) : options.peakThreshold;
  const peaks: number[] = [];
  for (let i = 0; i < v.length; i++) {
    if (!(v[i] > threshold)) continue;
    let best = true;
    for (let j = Math.max(0, i - w); j <= Math.min(v.length - 1, i + w) && best; j++) if (j !== i && !(v[i] > v[j])) best = false;
    if (best) peaks.push(i);
  }
  return peaks;
}

function statistic(peaks: readonly (readonly number[])[], length: number): { matrix: number[][]; mean: number } {
  const sets = peaks.map((p) => {
    const m = new Uint8Array(length);
    for (const i of p) m[i] = 1;
    return m;
  });
  let sum = 0;
  let pairs = 0;
  const matrix = peaks.map((pa, a) =>
    peaks.map((_, b) => {
      if (pa.length === 0) return NaN;
      if (a === b) return 1;
      const hits = pa.reduce((n, i) => n + sets[b][i], 0) / pa.length;
      sum += hits;
      pairs++;
      return hits;
    }),
  );
  return { matrix, mean: pairs ? sum / pairs : NaN };
}

/**
 * The synchronised-peaks analysis (the method is not published; this is the project's
 * definition): per-layer LCA series, peaks by {@link findPeaks}, and synchronisation(a, b) =
 * fraction of a's peaks that coincide with a peak of b on the same iteration. The observed mean
 * is compared with a null in which every layer's peak times are shifted circularly by an
 * independent random offset (same peak counts and spacing, alignment destroyed).
 */
export function peakSynchronization(series: readonly (readonly number[])[], options: PeakOptions = {}): PeakSynchronization {
  if (series.length < 2) throw new Error('peakSynchronization: needs at least two series');
  const length = series[0].length;
  if (series.some((s) => s.length !== length)) throw new Error('peakSynchronization: the series must have the same length');
  const shuffles = options.shuffles ?? 1000;
  const peaks = series.map((s) => findPeaks(s, options));
  const { matrix, mean: observed } = statistic(peaks, length);
  const counts = new Uint16Array(length);
  for (const p of peaks) for (const i of p) counts[i]++;
  const sharedPeakIterations = counts.reduce((n, c) => n + (c >= 2 ? 1 : 0), 0);
  const rng = t.data.createRng(options.seed ?? 0);
  const null_: number[] = [];
  for (let r = 0; r < shuffles; r++) {
    const shifted = peaks.map((p) => {
      const off = Math.floor(rng() * length);
      return p.map((i) => (i + off) % length);
    });
    null_.push(statistic(shifted, length).mean);
  }
  const valid = null_.filter(Number.isFinite);
  const baseline = valid.reduce((a, b) => a + b, 0) / Math.max(1, valid.length);
  const baselineStd = Math.sqrt(valid.reduce((a, b) => a + (b - baseline) ** 2, 0) / Math.max(1, valid.length));
  const pValue = (1 + valid.filter((v) => v >= observed).length) / (1 + valid.length);
  return { peaks, matrix, observed, baseline, baselineStd, pValue, sharedPeakIterations };
}
