// exp, log, tanh and sigmoid of float32 values with 128-bit SIMD, over byte offsets as in gemm.ts.
//
// The JavaScript kernels evaluate Math.exp, Math.log, Math.tanh and 1 / (1 + Math.exp(-x)) in
// float64 and store the result as float32. These do the same in float64 lanes (two per vector)
// with their own range reductions and polynomials, accurate to a few float64 ulp (relative error
// below 2^-49), and round once to float32. The float32 results are therefore within 1 float32
// ulp of the JavaScript ones and equal to them unless the exact value lies within about 2^-49
// (relative) of a rounding boundary between two float32 values: not bit-identical by contract,
// though in practice all but a handful in tens of millions agree.

import { high, low, narrow } from './widen';

/** Op codes (the host's WASM_TRANSCENDENTAL_OPS lists them in this order). */
const EXP = 0;
const LOG = 1;
const TANH = 2;
const SIGMOID = 3;

const LOG2E = 1.4426950408889634;
// ln 2 split so that k · LN2_HI is exact for |k| < 2^21 (its low 21 mantissa bits are zero).
const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
/** 1.5 · 2^52: adding it rounds a float64 below 2^51 in magnitude to an integer held in the low mantissa bits. */
const ROUNDER = 6755399441055744.0;

// @ts-ignore: decorator
@inline function splat(x: f64): v128 {
  return f64x2.splat(x);
}

/**
 * e^x on two float64 lanes. x is clamped to [-708, 709] first, so 2^k stays a normal float64;
 * below, e^x is under 2^-1021 (0 in float32, and 1 / (1 + e^-x) is 1 either way); above, it
 * overflows float32 all the same. NaN stays NaN through the clamp (wasm min/max propagate it).
 */
// @ts-ignore: decorator
@inline export function exp64(x: v128): v128 {
  x = f64x2.min(f64x2.max(x, splat(-708)), splat(709));
  // k = round(x / ln 2); |r| = |x - k ln 2| ≤ ln 2 / 2.
  const shifted = f64x2.add(f64x2.mul(x, splat(LOG2E)), splat(ROUNDER));
  const k = f64x2.sub(shifted, splat(ROUNDER));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(k, splat(LN2_HI))), f64x2.mul(k, splat(LN2_LO)));
  // Taylor series of e^r to r^12: the remainder is below 2^-52 of the result for |r| ≤ ln 2 / 2.
  // Estrin's scheme: independent pairs, then powers r², r⁴, r⁸ join them (short dependency chains).
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const r8 = f64x2.mul(r4, r4);
  const q0 = f64x2.add(splat(1), r);
  const q1 = f64x2.add(splat(1.0 / 2.0), f64x2.mul(r, splat(1.0 / 6.0)));
  const q2 = f64x2.add(splat(1.0 / 24.0), f64x2.mul(r, splat(1.0 / 120.0)));
  const q3 = f64x2.add(splat(1.0 / 720.0), f64x2.mul(r, splat(1.0 / 5040.0)));
  const q4 = f64x2.add(splat(1.0 / 40320.0), f64x2.mul(r, splat(1.0 / 362880.0)));
  const q5 = f64x2.add(splat(1.0 / 3628800.0), f64x2.mul(r, splat(1.0 / 39916800.0)));
  const s0 = f64x2.add(q0, f64x2.mul(q1, r2));
  const s1 = f64x2.add(q2, f64x2.mul(q3, r2));
  const s2 = f64x2.add(q4, f64x2.mul(q5, r2));
  const t0 = f64x2.add(s0, f64x2.mul(s1, r4));
  const t1 = f64x2.add(s2, f64x2.mul(splat(1.0 / 479001600.0), r4));
  const p = f64x2.add(t0, f64x2.mul(t1, r8));
  // 2^k from k in the rounder's low bits: (k + 1023) << 52 is its bit pattern, k in [-1022, 1023].
  const scale = i64x2.shl(i64x2.add(shifted, i64x2.splat(1023)), 52);
  return f64x2.mul(p, scale);
}

/**
 * ln x on two float64 lanes that hold float32 values (so every nonzero finite one is a normal
 * float64). x = 2^e · m with m in [√½, √2), ln m = 2 atanh(s), s = (m - 1) / (m + 1), |s| ≤ 0.172.
 */
// @ts-ignore: decorator
@inline export function log64(x: v128): v128 {
  const bits = x;
  let e = i64x2.sub(i64x2.shr_s(bits, 52), i64x2.splat(1023));
  let m = v128.or(v128.and(bits, i64x2.splat(0x000fffffffffffff)), i64x2.splat(0x3ff0000000000000));
  const big = f64x2.gt(m, splat(1.4142135623730951));
  m = v128.bitselect(f64x2.mul(m, splat(0.5)), m, big);
  e = i64x2.sub(e, big); // a true lane is -1: e + 1 where m was halved
  // e as float64: add it to the bits of 1.5 · 2^52 and subtract that again (exact for |e| < 2^51).
  const ef = f64x2.sub(i64x2.add(e, i64x2.splat(0x4338000000000000)), splat(ROUNDER));
  const s = f64x2.div(f64x2.sub(m, splat(1)), f64x2.add(m, splat(1)));
  const z = f64x2.mul(s, s);
  // 2 atanh(s) = 2s (1 + z/3 + z²/5 + … + z⁹/19); the next term is below 2^-55 of the sum.
  const z2 = f64x2.mul(z, z);
  const z4 = f64x2.mul(z2, z2);
  const z8 = f64x2.mul(z4, z4);
  const l0 = f64x2.add(splat(1.0 / 3.0), f64x2.mul(z, splat(1.0 / 5.0)));
  const l1 = f64x2.add(splat(1.0 / 7.0), f64x2.mul(z, splat(1.0 / 9.0)));
  const l2 = f64x2.add(splat(1.0 / 11.0), f64x2.mul(z, splat(1.0 / 13.0)));
  const l3 = f64x2.add(splat(1.0 / 15.0), f64x2.mul(z, splat(1.0 / 17.0)));
  const m0 = f64x2.add(l0, f64x2.mul(l1, z2));
  const m1 = f64x2.add(l2, f64x2.mul(l3, z2));
  const q = f64x2.add(f64x2.add(m0, f64x2.mul(m1, z4)), f64x2.mul(splat(1.0 / 19.0), z8));
  const s2 = f64x2.add(s, s);
  const lnM = f64x2.add(s2, f64x2.mul(f64x2.mul(s2, z), q));
  let y = f64x2.add(f64x2.mul(ef, splat(LN2_HI)), f64x2.add(lnM, f64x2.mul(ef, splat(LN2_LO))));
  // ln(+∞) = +∞, ln(±0) = -∞, ln of a negative number or NaN is NaN.
  y = v128.bitselect(splat(Infinity), y, f64x2.eq(x, splat(Infinity)));
  y = v128.bitselect(splat(-Infinity), y, f64x2.eq(x, splat(0)));
  return v128.bitselect(splat(NaN), y, v128.or(f64x2.lt(x, splat(0)), f64x2.ne(x, x)));
}

/**
 * tanh x on two float64 lanes: an odd Taylor polynomial for |x| < 1/8 (no cancellation near 0,
 * ±0 kept), 1 - 2 / (e^{2|x|} + 1) with x's sign above (|x| clamped to 20, where tanh is 1 in
 * float64 already).
 */
// @ts-ignore: decorator
@inline function tanh64(x: v128): v128 {
  const a = f64x2.abs(x);
  const z = f64x2.mul(x, x);
  // tanh x = x (1 - z/3 + 2z²/15 - 17z³/315 + …) to x^15: the remainder is below 2^-54 of tanh x.
  const z2 = f64x2.mul(z, z);
  const z4 = f64x2.mul(z2, z2);
  const h0 = f64x2.add(splat(-1.0 / 3.0), f64x2.mul(z, splat(2.0 / 15.0)));
  const h1 = f64x2.add(splat(-17.0 / 315.0), f64x2.mul(z, splat(62.0 / 2835.0)));
  const h2 = f64x2.add(splat(-1382.0 / 155925.0), f64x2.mul(z, splat(21844.0 / 6081075.0)));
  const q = f64x2.add(f64x2.add(h0, f64x2.mul(h1, z2)), f64x2.mul(f64x2.add(h2, f64x2.mul(splat(-929569.0 / 638512875.0), z2)), z4));
  const small = f64x2.mul(x, f64x2.add(splat(1), f64x2.mul(z, q))); // x · (…), so -0 stays -0
  const e = exp64(f64x2.mul(f64x2.min(a, splat(20)), splat(2)));
  const t = f64x2.sub(splat(1), f64x2.div(splat(2), f64x2.add(e, splat(1))));
  const signed = v128.or(t, v128.and(x, splat(-0.0)));
  return v128.bitselect(small, signed, f64x2.lt(a, splat(0.125)));
}

// @ts-ignore: decorator
@inline function apply64(op: i32, x: v128): v128 {
  if (op == EXP) return exp64(x);
  if (op == LOG) return log64(x);
  if (op == TANH) return tanh64(x);
  // The JavaScript kernel's own expression, 1 / (1 + e^-x).
  return f64x2.div(splat(1), f64x2.add(splat(1), exp64(f64x2.neg(x))));
}

/**
 * Loads the float32 values at `at` and `at + 4` (only the first when `both` is false) as two
 * float64 lanes: the kernels here work on one pair of lanes at a time, so each op's arithmetic
 * is compiled once (a float32x4 step would need it twice, for the low and the high pair).
 */
// @ts-ignore: decorator
@inline export function loadPair(at: usize, both: bool): v128 {
  return f64x2.promote_low_f32x4(both ? v128.load64_zero(at) : v128.load32_zero(at));
}

/** Stores two float64 lanes as float32 at `at` and `at + 4` (only the first when `both` is false). */
// @ts-ignore: decorator
@inline export function storePair(at: usize, v: v128, both: bool): void {
  const f = f32x4.demote_f64x2_zero(v);
  if (both) v128.store64_lane(at, f, 0);
  else v128.store32_lane(at, f, 0);
}

// @ts-ignore: decorator
@inline function loop(op: i32, x: usize, out: usize, n: i32): void {
  // Four values a step (two independent pairs keep more of the core busy), then pairs.
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const v = v128.load(x + at);
    v128.store(out + at, narrow(apply64(op, low(v)), apply64(op, high(v))));
  }
  for (; i < n; i += 2) {
    const at = <usize>i << 2;
    const both = i + 1 < n;
    storePair(out + at, apply64(op, loadPair(x + at, both)), both);
  }
}

/** out[i] = op(x[i]) for `n` values, op one of EXP, LOG, TANH, SIGMOID. */
export function transcendental(op: i32, x: usize, out: usize, n: i32): void {
  if (op == EXP) loop(EXP, x, out, n);
  else if (op == LOG) loop(LOG, x, out, n);
  else if (op == TANH) loop(TANH, x, out, n);
  else loop(SIGMOID, x, out, n);
}
