/** Which weights survive pruning, computed on the host over plain arrays. */

/** Checks a relative threshold t_rel ∈ [0, 1). */
export function checkThreshold(threshold: number, owner: string): number {
  if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < 0 || threshold >= 1) {
    throw new Error(`${owner}: threshold must be a number in [0, 1) (a fraction of max|w|), got ${String(threshold)}`);
  }
  return threshold;
}

/** Largest |wᵢ| (0 for an empty array). */
export function maxAbs(w: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < w.length; i++) {
    const a = Math.abs(w[i]);
    if (a > m) m = a;
  }
  return m;
}

/** 1 where |wᵢ| ≥ t_rel·max|w| and wᵢ ≠ 0, else 0: the "fraction of the largest weight" rule. */
export function thresholdKeep(w: ArrayLike<number>, threshold: number): Uint8Array {
  checkThreshold(threshold, 'thresholdKeep');
  const cut = threshold * maxAbs(w);
  const keep = new Uint8Array(w.length);
  for (let i = 0; i < w.length; i++) keep[i] = w[i] !== 0 && Math.abs(w[i]) >= cut ? 1 : 0;
  return keep;
}

/** 1 for all but the `round(sparsity·n)` smallest |wᵢ| (ties broken by index): magnitude pruning to a target sparsity. */
export function magnitudeKeep(w: ArrayLike<number>, sparsity: number): Uint8Array {
  if (typeof sparsity !== 'number' || !Number.isFinite(sparsity) || sparsity < 0 || sparsity > 1) {
    throw new Error(`magnitudeKeep: sparsity must be a number in [0, 1], got ${String(sparsity)}`);
  }
  const n = w.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => Math.abs(w[a]) - Math.abs(w[b]) || a - b);
  const keep = new Uint8Array(n).fill(1);
  const drop = Math.round(sparsity * n);
  for (let k = 0; k < drop; k++) keep[order[k]] = 0;
  return keep;
}
