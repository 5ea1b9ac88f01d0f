/**
 * Shared magnitudes: one-dimensional k-means (Lloyd's algorithm, linear initialisation between the
 * smallest and largest magnitude) on the non-zero |w|; each weight keeps its sign and takes the
 * nearest shared magnitude.
 */
import type { CodebookQuantized } from './types';

/** Checks a codebook size k ∈ [1, 2047]. */
export function checkCodebookSize(size: number, owner: string): number {
  if (!Number.isInteger(size) || size < 1 || size > 2047) throw new Error(`${owner}: codebook size must be an integer in 1..2047, got ${String(size)}`);
  return size;
}

/** Centroids of sorted values for k-means in 1-D; empty clusters are dropped. */
export function kmeans1d(sorted: Float64Array, k: number, maxIterations = 100): Float64Array {
  const n = sorted.length;
  if (n === 0) return new Float64Array(0);
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + sorted[i];
  const lo = sorted[0];
  const hi = sorted[n - 1];
  let centroids = Float64Array.from({ length: k }, (_, j) => (k === 1 ? (lo + hi) / 2 : lo + ((hi - lo) * j) / (k - 1)));
  // First index whose value is ≥ x.
  const lowerBound = (x: number) => {
    let a = 0;
    let b = n;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (sorted[m] < x) a = m + 1;
      else b = m;
    }
    return a;
  };
  for (let iter = 0; iter < maxIterations; iter++) {
    const next: number[] = [];
    let start = 0;
    for (let j = 0; j < centroids.length; j++) {
      const end = j + 1 < centroids.length ? lowerBound((centroids[j] + centroids[j + 1]) / 2) : n;
      if (end > start) next.push((prefix[end] - prefix[start]) / (end - start));
      start = Math.max(start, end);
    }
    const moved = next.length !== centroids.length || next.some((c, j) => c !== centroids[j]);
    centroids = Float64Array.from(next);
    if (!moved) break;
  }
  return centroids;
}

/**
 * Quantises `values` to `size` shared magnitudes (symbols ±1..±k, 0 for zeros). The codebook is
 * stored as float32, ascending, with duplicates after rounding removed.
 */
export function quantizeCodebook(name: string, shape: readonly number[], values: ArrayLike<number>, size: number): CodebookQuantized {
  checkCodebookSize(size, 'quantizeCodebook');
  const magnitudes: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) magnitudes.push(Math.abs(values[i]));
  const sorted = Float64Array.from(magnitudes).sort();
  const centroids = kmeans1d(sorted, Math.min(size, sorted.length));
  const codebook = Float32Array.from(new Set(Array.from(centroids, (c) => Math.fround(c)))).sort();
  const symbols = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const w = values[i];
    if (w === 0) continue;
    const a = Math.abs(w);
    // Nearest entry by binary search on the ascending codebook.
    let lo = 0;
    let hi = codebook.length - 1;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (a > (codebook[m] + codebook[m + 1]) / 2) lo = m + 1;
      else hi = m;
    }
    symbols[i] = Math.sign(w) * (lo + 1);
  }
  return { kind: 'codebook', name, shape: [...shape], codebook, symbols };
}
