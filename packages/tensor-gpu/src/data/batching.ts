// Seeded shuffling, train/validation splits and mini-batches of sample indices. Browser-safe.
import { createRng, randomInt, type Rng } from './rng';

/** Anything indexable and writable by number, such as an array or a typed array. */
export interface WritableArrayLike<T> {
  /** Number of elements. */
  readonly length: number;
  /** Element access. */
  [index: number]: T;
}

/**
 * Shuffles `array` in place (Fisher–Yates), deterministically for a given seed.
 *
 * @param array - the array to shuffle; it is modified.
 * @param seed - an integer seed, or a random source to draw from (for several shuffles in a row).
 * @returns `array` itself.
 */
export function shuffleInPlace<T, A extends WritableArrayLike<T>>(array: A, seed: number | Rng): A {
  const rng = typeof seed === 'function' ? seed : createRng(seed);
  for (let i = array.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const t = array[i];
    array[i] = array[j];
    array[j] = t;
  }
  return array;
}

/**
 * A seeded random permutation of `0 .. count - 1`.
 *
 * @param count - number of indices, a non-negative integer.
 * @param seed - an integer seed, or a random source.
 * @returns a new array holding each index once.
 */
export function permutation(count: number, seed: number | Rng): Uint32Array {
  checkCount(count, 'count');
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = i;
  return shuffleInPlace(out, seed);
}

/** Result of {@link trainValidationSplit}: disjoint index sets covering `0 .. count - 1`. */
export interface IndexSplit {
  /** Training indices, ascending. */
  train: Uint32Array;
  /** Validation indices, ascending. */
  validation: Uint32Array;
}

/**
 * Splits `0 .. count - 1` at random into training and validation indices. The validation set
 * has `Math.round(count * validationFraction)` indices; both sets are returned sorted ascending
 * (shuffle the training set per epoch with {@link shuffleInPlace}).
 *
 * @param count - number of samples, at least 1.
 * @param validationFraction - share held out for validation, in [0, 1).
 * @param seed - an integer seed.
 * @throws RangeError for a bad count or fraction, or when no training sample would be left.
 */
export function trainValidationSplit(count: number, validationFraction: number, seed: number): IndexSplit {
  checkCount(count, 'count');
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new RangeError(`validationFraction must be in [0, 1), got ${validationFraction}`);
  }
  const nValidation = Math.round(count * validationFraction);
  if (nValidation >= count) {
    throw new RangeError(`validationFraction ${validationFraction} of ${count} samples leaves no training samples`);
  }
  const order = permutation(count, seed);
  return {
    train: order.slice(nValidation).sort(),
    validation: order.slice(0, nValidation).sort(),
  };
}

/** Options for {@link batches}. */
export interface BatchOptions {
  /** Leave out the last batch when it is smaller than `batchSize`; default false. */
  dropLast?: boolean;
}

/**
 * Cuts `indices` into consecutive batches, in order (shuffle first for random batches).
 *
 * @param indices - sample indices.
 * @param batchSize - indices per batch, a positive integer.
 * @param options - whether to drop a short last batch.
 * @returns an iterator of batches; each is a new array (not a view of `indices`).
 * @throws RangeError for a bad batch size (when iteration starts).
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 *
 * const order = t.data.permutation(10, 1); // a seeded shuffle of 0..9
 * console.log([...t.data.batches(order, 4)].map((batch) => batch.length)); // → [ 4, 4, 2 ]
 * console.log([...t.data.batches(order, 4, { dropLast: true })].length); // → 2
 * ```
 */
export function* batches(
  indices: ArrayLike<number>,
  batchSize: number,
  options: BatchOptions = {},
): Generator<Uint32Array, void, undefined> {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  const n = indices.length;
  const end = options.dropLast ? n - (n % batchSize) : n;
  for (let start = 0; start < end; start += batchSize) {
    const size = Math.min(batchSize, end - start);
    const batch = new Uint32Array(size);
    for (let k = 0; k < size; k++) batch[k] = indices[start + k];
    yield batch;
  }
}

/** A gathered mini-batch, see {@link gatherBatch}. */
export interface GatheredBatch {
  /** `indices.length × sampleSize` values, the samples in `indices` order. */
  x: Float32Array;
  /** The matching labels. */
  y: Int32Array;
}

/**
 * Copies the samples at `indices` into one contiguous batch.
 *
 * @param images - all samples, `labels.length × sampleSize` values (e.g. an `ImageSplit.images`).
 * @param labels - one label per sample.
 * @param indices - which samples, in output order (repeats allowed).
 * @param sampleSize - values per sample (`C × H × W`).
 * @returns new arrays `x` and `y`.
 * @throws RangeError for a bad `sampleSize`, sizes that disagree, or an index out of range.
 */
export function gatherBatch(
  images: Float32Array,
  labels: Uint8Array,
  indices: ArrayLike<number>,
  sampleSize: number,
): GatheredBatch {
  if (!Number.isInteger(sampleSize) || sampleSize < 1) {
    throw new RangeError(`sampleSize must be a positive integer, got ${sampleSize}`);
  }
  if (images.length !== labels.length * sampleSize) {
    throw new RangeError(
      `images has ${images.length} values, expected labels.length × sampleSize = ${labels.length} × ${sampleSize}`,
    );
  }
  const n = indices.length;
  const x = new Float32Array(n * sampleSize);
  const y = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= labels.length) {
      throw new RangeError(`indices[${k}] = ${i} is out of range 0..${labels.length - 1}`);
    }
    x.set(images.subarray(i * sampleSize, (i + 1) * sampleSize), k * sampleSize);
    y[k] = labels[i];
  }
  return { x, y };
}

function checkCount(count: number, what: string): void {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`${what} must be a non-negative integer, got ${count}`);
}
