/** Histograms of weight values, for the before/after figures. */

/** A histogram: `counts[i]` values fell in [edges[i], edges[i+1]). */
export interface Histogram {
  /** Bin edges, `bins + 1` of them, ascending. */
  edges: number[];
  /** Values per bin (the last bin includes its upper edge). */
  counts: number[];
}

/** Histogram of `values` over [lo, hi] with `bins` equal bins; values outside are clamped into the end bins. */
export function histogram(values: ArrayLike<number>, bins: number, lo: number, hi: number): Histogram {
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`histogram: bins must be a positive integer, got ${String(bins)}`);
  if (!(hi > lo)) throw new Error(`histogram: need lo < hi, got [${lo}, ${hi}]`);
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins;
  for (let i = 0; i < values.length; i++) {
    const k = Math.floor((values[i] - lo) / width);
    counts[Math.max(0, Math.min(bins - 1, k))]++;
  }
  return { edges: Array.from({ length: bins + 1 }, (_, i) => lo + i * width), counts };
}
