/**
 * An adaptive frequency model over symbols 0..size−1 for the range coder: counts start at 1, grow
 * by `increment` per coded symbol and are halved when their total passes `limit`. A Fenwick tree
 * gives cumulative counts and the symbol of a cumulative count in O(log size).
 */

/** Largest alphabet the model accepts: every symbol of a 12-bit uniform quantiser (±2047 and 0) fits. */
export const MAX_MODEL_SYMBOLS = 4096;

/** Default total above which the counts are halved (the coder needs total ≤ 2¹⁶). */
export const MODEL_LIMIT = 1 << 16;

/** Default count added per coded symbol. */
export const MODEL_INCREMENT = 24;

/** The adaptive frequency model (one per coding context). */
export class AdaptiveFrequencyModel {
  /** Count of each symbol. */
  private readonly freq: Uint32Array;
  /** Fenwick tree over `freq` (1-based). */
  private readonly tree: Float64Array;
  private readonly topBit: number;
  /** Sum of all counts. */
  total = 0;

  constructor(
    /** Number of symbols. */
    readonly size: number,
    private readonly increment = MODEL_INCREMENT,
    private readonly limit = MODEL_LIMIT,
  ) {
    if (!Number.isInteger(size) || size < 1 || size > MAX_MODEL_SYMBOLS) throw new Error(`AdaptiveFrequencyModel: size must be an integer in 1..${MAX_MODEL_SYMBOLS}, got ${String(size)}`);
    this.freq = new Uint32Array(size).fill(1);
    this.tree = new Float64Array(size + 1);
    this.topBit = 1 << Math.floor(Math.log2(size));
    this.rebuild();
  }

  /** Count of `symbol`. */
  frequency(symbol: number): number {
    return this.freq[symbol];
  }

  /** Sum of the counts of the symbols below `symbol`. */
  cumulative(symbol: number): number {
    let s = 0;
    for (let i = symbol; i > 0; i -= i & -i) s += this.tree[i];
    return s;
  }

  /** The symbol whose cumulative range [cum, cum + freq) holds `target` (0 ≤ target < total). */
  find(target: number): number {
    let pos = 0;
    let rest = target;
    for (let step = this.topBit; step > 0; step >>= 1) {
      const next = pos + step;
      if (next <= this.size && this.tree[next] <= rest) {
        pos = next;
        rest -= this.tree[next];
      }
    }
    return pos;
  }

  /** Counts one more occurrence of `symbol`, halving every count when the total passes the limit. */
  update(symbol: number): void {
    this.freq[symbol] += this.increment;
    this.total += this.increment;
    for (let i = symbol + 1; i <= this.size; i += i & -i) this.tree[i] += this.increment;
    if (this.total > this.limit) {
      for (let i = 0; i < this.size; i++) this.freq[i] = (this.freq[i] + 1) >>> 1;
      this.rebuild();
    }
  }

  private rebuild(): void {
    this.tree.fill(0);
    let total = 0;
    for (let i = 0; i < this.size; i++) {
      total += this.freq[i];
      for (let j = i + 1; j <= this.size; j += j & -j) this.tree[j] += this.freq[i];
    }
    this.total = total;
  }
}
