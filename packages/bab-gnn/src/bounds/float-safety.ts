/**
 * How bounds stay sound in floating point. Every bound is computed in float64 on the host and
 * then moved outward by `RELATIVE·M + ABSOLUTE`, where M is the sum of the absolute values of all
 * terms that went into it (products and constants). A float64 dot product of n terms errs by at
 * most about n·2⁻⁵³·M; with n ≤ 10⁴ terms per chain and a few chained layers the error is far below
 * 10⁻¹⁰·M, so the margin covers rounding in the accumulations and in the propagated coefficients.
 */

/** Relative part of the outward margin (times the magnitude of the terms). */
export const RELATIVE_MARGIN = 1e-10;
/** Absolute part of the outward margin. */
export const ABSOLUTE_MARGIN = 1e-12;

/** Moves a computed lower bound down by the margin for terms of total magnitude `magnitude`. */
export function safeLower(value: number, magnitude: number): number {
  return value - (RELATIVE_MARGIN * magnitude + ABSOLUTE_MARGIN);
}

/** Moves a computed upper bound up by the margin for terms of total magnitude `magnitude`. */
export function safeUpper(value: number, magnitude: number): number {
  return value + (RELATIVE_MARGIN * magnitude + ABSOLUTE_MARGIN);
}
