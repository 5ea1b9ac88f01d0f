// Composite Simpson weights and the running node sums that let the adaptive loop reuse old nodes.

/**
 * Composite Simpson weights for `n` (even, ≥ 2) equal pieces of [0, 1]: nodes `j/n`, weights
 * `[1, 4, 2, 4, …, 2, 4, 1] / (3n)`. They sum to 1; `n = 2` gives `[1, 4, 1] / 6` (the paper's "RK4").
 */
export function simpsonWeights(n: number): Float64Array {
  if (!Number.isInteger(n) || n < 2 || n % 2 !== 0) throw new Error(`simpsonWeights: n must be an even integer ≥ 2, got ${String(n)}`);
  const w = new Float64Array(n + 1);
  for (let j = 0; j <= n; j++) w[j] = (j === 0 || j === n ? 1 : j % 2 === 1 ? 4 : 2) / (3 * n);
  return w;
}

/**
 * The gradient samples of composite Simpson on one segment, kept as three running sums so that
 * refining from `n` to `2n` pieces needs only the new (odd) nodes and O(P) memory:
 * `ends = g(0) + g(1)`, `even` = sum of the interior nodes of earlier levels, `odd` = sum of the
 * nodes new at the current level. Then `k = (ends + 4·odd + 2·even) / (3n)`, which is
 * `Σ_j w_j(n)·g(j/n)` regrouped.
 */
export class SimpsonSums {
  /** g(0) + g(1). */
  readonly ends: Float64Array;
  /** Sum of the interior nodes of all coarser levels (even nodes at the current level). */
  readonly even: Float64Array;
  /** Sum of the nodes added at the current level (odd nodes). */
  readonly odd: Float64Array;
  /** Current number of pieces n. */
  pieces = 0;

  constructor(size: number) {
    this.ends = new Float64Array(size);
    this.even = new Float64Array(size);
    this.odd = new Float64Array(size);
  }

  /** Starts a segment with its end-point gradients; the midpoint comes next (`addOdd`, then `finishLevel(2)`). */
  begin(g0: Float64Array, g1: Float64Array): void {
    const { ends, even, odd } = this;
    for (let i = 0; i < ends.length; i++) ends[i] = g0[i] + g1[i];
    even.fill(0);
    odd.fill(0);
    this.pieces = 0;
  }

  /** Starts the next level: the current odd nodes become even nodes. */
  refine(): void {
    const { even, odd } = this;
    for (let i = 0; i < even.length; i++) even[i] += odd[i];
    odd.fill(0);
  }

  /** Adds one node new at this level. */
  addOdd(g: Float64Array): void {
    const odd = this.odd;
    for (let i = 0; i < odd.length; i++) odd[i] += g[i];
  }

  /** Writes `k = Σ_j w_j(n)·g(j/n)` for `n` pieces into `out`. */
  integrate(n: number, out: Float64Array): Float64Array {
    const { ends, even, odd } = this;
    const scale = 1 / (3 * n);
    for (let i = 0; i < out.length; i++) out[i] = (ends[i] + 4 * odd[i] + 2 * even[i]) * scale;
    this.pieces = n;
    return out;
  }
}
