import { cast } from '../ops/cast';
import { elementwise } from '../ops/elementwise';
import { concat, reshape } from '../ops/layout';
import { sum } from '../ops/reduce';
import { checkTensor } from '../ops/run';
import type { Tensor } from '../tensor';

/** What casting a float32 tensor to float16 would do to its values (see `float16Stats`). */
export interface Float16Stats {
  /** Number of values. */
  count: number;
  /** Values that are not zero (NaN and ±Infinity included). */
  nonZero: number;
  /** Non-zero values that would flush to ±0 (|x| ≤ 2^-25). */
  underflow: number;
  /** Values that would become subnormal (2^-25 < |x| < 1023.5·2^-24). */
  subnormal: number;
  /** Finite values that would overflow to ±Infinity (|x| ≥ 65520). */
  overflow: number;
  /** Values that are already NaN or ±Infinity. */
  nonFinite: number;
}

// Order of the counts in `float16StatCounts`; `nonFinite` is derived from the count of finite values.
const COUNTED = ['nonZero', 'f16Underflow', 'f16Subnormal', 'f16Overflow', 'isFinite'] as const;

/**
 * The counts behind {@link Float16Stats} as a `[5]` float32 tensor on the device (`nonZero`,
 * `underflow`, `subnormal`, `overflow`, finite values), without a read-back, so a training step
 * can record them and read many at once; turn them into stats with {@link float16StatsFromCounts}.
 * Not recorded for gradients. Counts are exact up to 2^24 values.
 */
export function float16StatCounts(x: Tensor): Tensor {
  checkTensor(x, 'float16StatCounts');
  const engine = x.engine;
  return engine.noGrad(() =>
    engine.tidy(() => {
      // Counts are summed in float32, whatever the input dtype.
      const x32 = cast(x, 'float32');
      return concat(COUNTED.map((op) => reshape(sum(elementwise(op, x32)), [1])));
    }),
  );
}

/** {@link Float16Stats} of `count` values from the five numbers of `float16StatCounts`, read back at `offset` of `values`. */
export function float16StatsFromCounts(count: number, values: ArrayLike<number>, offset = 0): Float16Stats {
  const at = (k: number) => values[offset + k];
  return { count, nonZero: at(0), underflow: at(1), subnormal: at(2), overflow: at(3), nonFinite: count - at(4) };
}

/**
 * Counts, on the device, how the values of `x` would fare in a cast to float16: the statistics
 * a loss-scaling policy needs. Only five numbers are read back.
 */
export async function float16Stats(x: Tensor): Promise<Float16Stats> {
  const counts = float16StatCounts(x);
  try {
    return float16StatsFromCounts(x.size, await counts.data());
  } finally {
    counts.dispose();
  }
}
