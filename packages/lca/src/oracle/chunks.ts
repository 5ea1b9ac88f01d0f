// How a whole split is cut into chunks, and how chunk means combine into the split's mean.

/** The chunks of a split: consecutive ranges of samples and their weights in the mean. */
export interface ChunkPlan {
  /** First sample of each chunk. */
  starts: number[];
  /** Samples in each chunk. */
  sizes: number[];
  /** Weight of each chunk's mean loss (and gradient) in the split's loss; they sum to 1. */
  weights: number[];
  /** Samples used. */
  used: number;
  /** Samples left out (only with `dropRemainder`). */
  dropped: number;
}

/**
 * Cuts `count` samples into chunks of `chunkSize`. With `dropRemainder` false (default) the last
 * chunk may be smaller and each chunk is weighted by its size, so the result is the exact mean
 * over all samples, whatever the chunk size. With `dropRemainder` true (the reference) the
 * `count mod chunkSize` last samples are left out and the `⌊count / chunkSize⌋` chunks weigh
 * the same.
 */
export function planChunks(count: number, chunkSize: number, dropRemainder = false): ChunkPlan {
  if (!Number.isInteger(count) || count < 1) throw new Error(`planChunks: count must be a positive integer, got ${String(count)}`);
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new Error(`planChunks: chunkSize must be a positive integer, got ${String(chunkSize)}`);
  const full = Math.floor(count / chunkSize);
  if (dropRemainder && full === 0) throw new Error(`planChunks: dropRemainder with chunkSize ${chunkSize} leaves no chunk of ${count} samples`);
  const used = dropRemainder ? full * chunkSize : count;
  const starts: number[] = [];
  const sizes: number[] = [];
  for (let s = 0; s < used; s += chunkSize) {
    starts.push(s);
    sizes.push(Math.min(chunkSize, used - s));
  }
  const weights = sizes.map((n) => (dropRemainder ? 1 / sizes.length : n / used));
  return { starts, sizes, weights, used, dropped: count - used };
}

/** `target[offset + j] += weight · values[j]` for every j (the float64 accumulation of chunk gradients). */
export function addWeighted(target: Float64Array, values: ArrayLike<number>, weight: number, offset = 0): void {
  for (let j = 0; j < values.length; j++) target[offset + j] += weight * values[j];
}
