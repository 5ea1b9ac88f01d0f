// Widening four float32 lanes to two float64 pairs and narrowing back (round to nearest even):
// arithmetic done on the pairs and rounded once equals JavaScript's float64 arithmetic stored
// into a Float32Array, bit for bit.

/** The low two of four floats as float64 lanes. */
// @ts-ignore: decorator
@inline export function low(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

/** The high two of four floats as float64 lanes. */
// @ts-ignore: decorator
@inline export function high(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
}

/** Two float64 pairs narrowed and joined into four floats. */
// @ts-ignore: decorator
@inline export function narrow(lo: v128, hi: v128): v128 {
  return i64x2.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 2);
}
