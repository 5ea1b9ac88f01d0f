// Rounding float32 values to binary16 (kept as float32) with 128-bit SIMD, bit for bit what the
// host's roundFloat32ArrayToFloat16 (src/fp16/host.ts) stores: round to nearest, ties to even;
// subnormal halves down to 2^-24; 65520 and above to ±Infinity; signed zeros kept; a NaN quieted,
// keeping its sign and the top 10 bits of its mantissa. Works on four values at a time as integers,
// except the subnormal range, which one float32 addition rounds.

/** Bits of the smallest normal half, 2^-14, as a float32. */
const MIN_NORMAL = 0x38800000;
/** Bits of 65520 as a float32: from here on magnitudes round to Infinity. */
const OVERFLOW = 0x477ff000;
const INFINITY = 0x7f800000;

// @ts-ignore: decorator
@inline function round4(v: v128): v128 {
  const a = v128.and(v, i32x4.splat(0x7fffffff));
  // Normal halves: keep 10 of the 23 mantissa bits; adding just under half a unit plus the kept
  // lowest bit rounds to nearest with ties to even, and a carry moves into the exponent.
  const lsb = v128.and(i32x4.shr_u(a, 13), i32x4.splat(1));
  const normal = v128.and(i32x4.add(a, i32x4.add(lsb, i32x4.splat(0xfff))), i32x4.splat(~0x1fff));
  // Below 2^-14 halves are multiples of 2^-24, the float32 spacing in [1/2, 1): |x| + 1/2 rounded
  // once (ties to even) and 1/2 taken away again (exactly).
  const half = f32x4.splat(0.5);
  const subnormal = f32x4.sub(f32x4.add(a, half), half);
  let r = v128.bitselect(subnormal, normal, i32x4.lt_s(a, i32x4.splat(MIN_NORMAL)));
  r = v128.bitselect(i32x4.splat(INFINITY), r, i32x4.ge_s(a, i32x4.splat(OVERFLOW)));
  const nan = v128.or(v128.and(a, i32x4.splat(0x007fe000)), i32x4.splat(0x7fc00000));
  r = v128.bitselect(nan, r, i32x4.gt_s(a, i32x4.splat(INFINITY)));
  return v128.or(r, v128.and(v, i32x4.splat(0x80000000)));
}

/** out[i] = x[i] rounded to binary16 (as a float32) for `n` values; `out` may be `x`. */
export function roundFloat16(x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(out + at, round4(v128.load(x + at)));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<i32>(out + at, i32x4.extract_lane(round4(i32x4.splat(load<i32>(x + at))), 0));
  }
}
