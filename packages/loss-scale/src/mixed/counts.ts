import type * as t from '@nnlab/tensor-gpu';

/** Underflow rate: the fraction of non-zero values that flush to zero (0 when none is non-zero). */
export function underflowRate(fate: t.Float16Stats): number {
  return fate.nonZero === 0 ? 0 : fate.underflow / fate.nonZero;
}

/** Overflow rate: the fraction of values that overflow or are already non-finite. */
export function overflowRate(fate: t.Float16Stats): number {
  return fate.count === 0 ? 0 : (fate.overflow + fate.nonFinite) / fate.count;
}
