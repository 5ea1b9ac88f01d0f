/** Largest finite float16 value (`u_max` of the reference). */
export const FLOAT16_MAX = 65504;

/**
 * Smallest magnitude the reference treats as representable (`u_min`). It is slightly above the
 * smallest float16 subnormal 2⁻²⁴ ≈ 5.96e-8; kept as in the reference so that scales match.
 */
export const REFERENCE_U_MIN = 6.0e-8;

/** Largest magnitude that rounds to ±0 in float16 (2⁻²⁵; the tie itself goes to the even value 0). */
export const FLOAT16_FLUSH_LIMIT = 2 ** -25;

/** Smallest magnitude that rounds to ±Infinity in float16. */
export const FLOAT16_OVERFLOW_LIMIT = 65520;
