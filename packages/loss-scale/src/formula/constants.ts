/**
 * Smallest magnitude the reference treats as representable (`u_min`). It is slightly above the
 * smallest float16 subnormal 2⁻²⁴ ≈ 5.96e-8; kept as in the reference so that scales match. The
 * binary16 limits themselves (`FLOAT16_MAX`, …) are tensor-gpu's.
 */
export const REFERENCE_U_MIN = 6.0e-8;
