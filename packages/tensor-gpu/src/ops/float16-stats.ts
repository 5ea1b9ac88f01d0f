import type { Tensor } from '../tensor';
import { elementwise } from './elementwise';
import { sum } from './reduce';
import { checkTensor } from './run';
import { concat, reshape } from './layout';
import { cast } from './cast';

/** What casting a float32 tensor to float16 would do to its values (see `float16Stats`). */
export interface Float16Stats {
  /** Number of values. */
  count: number;
  /** Values that are not zero. */
  nonZero: number;
  /** Non-zero values that would flush to ±0 (|x| ≤ 2^-25). */
  underflow: number;
  /** Values that would become subnormal (2^-25 < |x| < 1023.5·2^-24). */
  subnormal: number;
  /** Finite values that would overflow to ±Infinity (|x| ≥ 65520). */
  overflow: number;
}

/**
 * Counts, on the device, how the values of `x` would fare in a cast to float16: the statistics
 * a loss-scaling policy needs. Only four numbers are read back.
 */
export async function float16Stats(x: Tensor): Promise<Float16Stats> {
  checkTensor(x, 'float16Stats');
  const engine = x.engine;
  const counts = engine.noGrad(() =>
    engine.tidy(() => {
      // Counts are summed in float32 (exact up to 2^24 values), whatever the input dtype.
      const x32 = cast(x, 'float32');
      const parts = (['nonZero', 'f16Underflow', 'f16Subnormal', 'f16Overflow'] as const).map((op) => reshape(sum(elementwise(op, x32)), [1]));
      return concat(parts);
    }),
  );
  const [nonZero, underflow, subnormal, overflow] = await counts.data();
  counts.dispose();
  return { count: x.size, nonZero, underflow, subnormal, overflow };
}
