import * as t from '@nnlab/tensor-gpu';
import { FLOAT16_FLUSH_LIMIT, FLOAT16_OVERFLOW_LIMIT } from '../formula/constants';

/** How a float32 result fares when it is rounded to float16, counted over its elements. */
export interface Float16Fate {
  /** Elements. */
  count: number;
  /** Elements that are not zero (including non-finite ones). */
  nonZero: number;
  /** Non-zero finite elements that flush to ±0 in float16 (|x| ≤ 2⁻²⁵). */
  underflow: number;
  /** Finite elements that become ±Infinity in float16 (|x| ≥ 65520). */
  overflow: number;
  /** Elements that are already NaN or ±Infinity. */
  nonFinite: number;
}

/**
 * The counts of {@link Float16Fate} on the device, as a `[4]` float32 tensor (`nonZero`,
 * `underflow`, `overflow`, `nonFinite`), so that a backward pass can record them without a
 * read-back. Counts are exact up to 2²⁴ elements per tensor.
 */
export function float16FateCounts(x: t.Tensor): t.Tensor {
  return t.tidy(() => {
    const x32 = t.cast(x, 'float32');
    const a = t.abs(x32);
    const nonZero = t.notEqual(x32, 0);
    const finite = t.isFinite(x32);
    const underflow = t.mul(nonZero, t.lessEqual(a, FLOAT16_FLUSH_LIMIT));
    const overflow = t.mul(finite, t.greaterEqual(a, FLOAT16_OVERFLOW_LIMIT));
    const nonFinite = t.sub(1, finite);
    return t.concat([nonZero, underflow, overflow, nonFinite].map((m) => t.reshape(t.sum(m), [1])));
  });
}

/** Turns four counts read back from {@link float16FateCounts} into a {@link Float16Fate}. */
export function fateFromCounts(count: number, values: ArrayLike<number>, offset = 0): Float16Fate {
  return { count, nonZero: values[offset], underflow: values[offset + 1], overflow: values[offset + 2], nonFinite: values[offset + 3] };
}

/** Underflow rate: the fraction of non-zero values that flush to zero (0 when none is non-zero). */
export function underflowRate(fate: Float16Fate): number {
  return fate.nonZero === 0 ? 0 : fate.underflow / fate.nonZero;
}

/** Overflow rate: the fraction of values that overflow or are already non-finite. */
export function overflowRate(fate: Float16Fate): number {
  return fate.count === 0 ? 0 : (fate.overflow + fate.nonFinite) / fate.count;
}
