/** Shared types of the bounding code. */

/** An axis-aligned input box. */
export interface Box {
  /** Lower end per input. */
  readonly lower: Float64Array;
  /** Upper end per input. */
  readonly upper: Float64Array;
}

/**
 * Split decisions per hidden layer, one entry per ReLU: `-1` free, `0` fixed inactive (output 0),
 * `1` fixed active (output = pre-activation). A fixed ReLU is replaced by that linear piece, so
 * bounds of the fixed network over the whole box are sound for the split subdomain (where the two
 * networks agree).
 */
export type Splits = readonly Int8Array[];

/** Sound pre-activation bounds of every hidden layer. */
export interface LayerBounds {
  /** Lower bound per hidden layer and neuron. */
  readonly lower: Float64Array[];
  /** Upper bound per hidden layer and neuron. */
  readonly upper: Float64Array[];
}

/** Split state of neuron i of hidden layer k (−1 when there are no splits). */
export function splitOf(splits: Splits | undefined, k: number, i: number): number {
  return splits ? splits[k][i] : -1;
}

/** Fresh all-free splits for the given hidden sizes. */
export function freeSplits(sizes: readonly number[]): Int8Array[] {
  return sizes.map((n) => new Int8Array(n).fill(-1));
}

/** Checks that a box has the right size, finite values and lower ≤ upper. */
export function checkBox(box: Box, size: number, where: string): void {
  if (!box || box.lower?.length !== size || box.upper?.length !== size) throw new Error(`${where}: box must have lower and upper of length ${size}`);
  for (let i = 0; i < size; i++) {
    if (!Number.isFinite(box.lower[i]) || !Number.isFinite(box.upper[i])) throw new Error(`${where}: box[${i}] is not finite`);
    if (box.lower[i] > box.upper[i]) throw new Error(`${where}: box lower[${i}] = ${box.lower[i]} > upper[${i}] = ${box.upper[i]}`);
  }
}

/**
 * A ReLU's phase on a domain: `1` active (the identity), `0` inactive (zero), `-1` ambiguous. A
 * split decides it; a free ReLU is active when its pre-activation lower bound `l` ≥ 0 and inactive
 * when its upper bound `u` ≤ 0.
 */
export function reluPhase(split: number, l: number, u: number): -1 | 0 | 1 {
  if (split === 1 || (split === -1 && l >= 0)) return 1;
  if (split === 0 || (split === -1 && u <= 0)) return 0;
  return -1;
}

/** The slope CROWN uses for an ambiguous ReLU's lower relaxation: 1 if u ≥ −l, else 0. */
export function defaultLowerSlope(l: number, u: number): number {
  return u >= -l ? 1 : 0;
}
