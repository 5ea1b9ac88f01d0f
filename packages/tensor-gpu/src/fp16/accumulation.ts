import type { KernelSpec } from '../backend/kernel-spec';
import type { DType } from '../dtype';
import { withFloat16Accumulation } from './kernel-rounding';

/**
 * Accumulator precision of matmul and convolution on float16 operands: `'float32'` accumulates in
 * float32 and rounds once (the default, as tensor cores do); `'float16'` rounds to binary16 after
 * every addition.
 */
export type Accumulation = 'float32' | 'float16';

/** The kernel as requested by `accumulate` for an output of `dtype`; `op` names the caller in errors. */
export function accumulating(spec: KernelSpec, dtype: DType, accumulate: Accumulation | undefined, op: string): KernelSpec {
  if (accumulate === undefined || accumulate === 'float32') return spec;
  if (accumulate !== 'float16') throw new Error(`${op}: accumulate must be 'float32' or 'float16', got ${JSON.stringify(accumulate)}`);
  if (dtype !== 'float16') throw new Error(`${op}: accumulate 'float16' needs float16 operands`);
  return withFloat16Accumulation(spec);
}
