/*
 * The binary16 thresholds, defined once: the host rounding, the in-kernel rounding, the device
 * statistics and loss-scaling policies all read them from here.
 */

/** Largest finite float16 value. */
export const FLOAT16_MAX = 65504;

/** Smallest magnitude that rounds to ±Infinity in float16 (the tie 65520 rounds to even, upwards). */
export const FLOAT16_OVERFLOW_LIMIT = 65520;

/** Largest magnitude that rounds to ±0 in float16 (2⁻²⁵; the tie itself goes to the even value 0). */
export const FLOAT16_FLUSH_LIMIT = 2 ** -25;

/** Smallest positive float16 value, the least subnormal (2⁻²⁴). */
export const FLOAT16_MIN_SUBNORMAL = 2 ** -24;

/** Smallest positive normal float16 value (2⁻¹⁴). */
export const FLOAT16_MIN_NORMAL = 2 ** -14;

/** Magnitudes below this (1023.5·2⁻²⁴) round to a subnormal or zero; from it on to a normal value. */
export const FLOAT16_SUBNORMAL_LIMIT = 1023.5 * 2 ** -24;
