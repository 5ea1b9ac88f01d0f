// The row-wise softmax primitives (src/kernels/softmax.ts) with 128-bit SIMD, over byte offsets as
// in gemm.ts: `rows` rows of `cols` float32 values, row after row.
//
// The row's maximum is exact in float32; exponentials, logarithms, sums and the output
// expressions are evaluated in float64 lanes (see transcendental.ts) and rounded once to float32,
// like the JavaScript loops, but the sums run in two lanes and then across them, so they add in
// another order: results are within 1 float32 ulp of the JavaScript ones (of the float64 value),
// not bit-identical to them.

import { exp64, loadPair, log64, storePair } from './transcendental';
import { high, low, narrow } from './widen';

/** Op codes (SOFTMAX_OPS in src/kernels/softmax.ts lists them in this order). */
const SOFTMAX = 0;
const LOG_SOFTMAX = 1;
const SOFTMAX_GRAD = 2;
const LOG_SOFTMAX_GRAD = 3;

// @ts-ignore: decorator
@inline function lanesSum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** The largest value of the row; NaN when the row holds one (its sum is NaN either way). */
// @ts-ignore: decorator
@inline function rowMax(x: usize, cols: i32): f32 {
  let m = f32x4.splat(load<f32>(x));
  let k = 0;
  for (; k + 4 <= cols; k += 4) m = f32x4.max(m, v128.load(x + (<usize>k << 2)));
  let r = max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
  for (; k < cols; k++) r = max(r, load<f32>(x + (<usize>k << 2)));
  return r;
}

/** Σ e^(x - m) over the row, in float64 (two lanes, then across them). */
// @ts-ignore: decorator
@inline function rowExpSum(x: usize, cols: i32, m: f64): f64 {
  const mv = f64x2.splat(m);
  let acc = f64x2.splat(0);
  let k = 0;
  for (; k + 4 <= cols; k += 4) {
    const v = v128.load(x + (<usize>k << 2));
    acc = f64x2.add(acc, f64x2.add(exp64(f64x2.sub(low(v), mv)), exp64(f64x2.sub(high(v), mv))));
  }
  for (; k < cols; k += 2) {
    const both = k + 1 < cols;
    const e = exp64(f64x2.sub(loadPair(x + (<usize>k << 2), both), mv));
    // A missing second lane holds 0 - m: its exponential must not count.
    acc = f64x2.add(acc, both ? e : v128.and(e, i64x2(-1, 0)));
  }
  return lanesSum(acc);
}

/** Σ a (times b when `product`) over the row, in float64. */
// @ts-ignore: decorator
@inline function rowSum(a: usize, b: usize, cols: i32, product: bool): f64 {
  let acc = f64x2.splat(0);
  for (let k = 0; k < cols; k += 2) {
    const at = <usize>k << 2;
    const both = k + 1 < cols;
    let v = loadPair(a + at, both); // a missing second lane loads as 0
    if (product) v = f64x2.mul(v, loadPair(b + at, both));
    acc = f64x2.add(acc, v);
  }
  return lanesSum(acc);
}

/** The output of one pair of lanes: `x` the logits or `dy`, `y` the forward output (gradients). */
// @ts-ignore: decorator
@inline function output(op: i32, x: v128, y: v128, c: v128, s: v128): v128 {
  if (op == SOFTMAX) return f64x2.div(exp64(f64x2.sub(x, c)), s); // c = m
  if (op == LOG_SOFTMAX) return f64x2.sub(f64x2.sub(x, c), s); // c = m, s = ln Σ
  if (op == SOFTMAX_GRAD) return f64x2.mul(y, f64x2.sub(x, c)); // c = Σ dy ⊙ y
  return f64x2.sub(x, f64x2.mul(exp64(y), s)); // s = Σ dy
}

/** Σ e^(x - m) over a row: one compiled copy of the exponential for both forward ops. */
function forwardSum(x: usize, cols: i32, m: f64): f64 {
  return rowExpSum(x, cols, m);
}

// @ts-ignore: decorator
@inline function rows(op: i32, a: usize, b: usize, out: usize, rowCount: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < rowCount; r++) {
    const x = a + <usize>r * rowBytes;
    const y = b + <usize>r * rowBytes;
    const o = out + <usize>r * rowBytes;
    let c: f64 = 0;
    let s: f64 = 0;
    if (op == SOFTMAX || op == LOG_SOFTMAX) {
      c = <f64>rowMax(x, cols);
      s = forwardSum(x, cols, c);
      if (op == LOG_SOFTMAX) s = f64x2.extract_lane(log64(f64x2.splat(s)), 0);
    } else if (op == SOFTMAX_GRAD) {
      c = rowSum(x, y, cols, true);
    } else {
      s = rowSum(x, 0, cols, false);
    }
    const cv = f64x2.splat(c);
    const sv = f64x2.splat(s);
    let k = 0;
    for (; k + 4 <= cols; k += 4) {
      const at = <usize>k << 2;
      const xv = v128.load(x + at);
      const yv = op == SOFTMAX || op == LOG_SOFTMAX ? xv : v128.load(y + at);
      v128.store(o + at, narrow(output(op, low(xv), low(yv), cv, sv), output(op, high(xv), high(yv), cv, sv)));
    }
    for (; k < cols; k += 2) {
      const at = <usize>k << 2;
      const both = k + 1 < cols;
      const xv = loadPair(x + at, both);
      const yv = op == SOFTMAX || op == LOG_SOFTMAX ? xv : loadPair(y + at, both);
      storePair(o + at, output(op, xv, yv, cv, sv), both);
    }
  }
}

/**
 * One of the row-wise softmax primitives over `rowCount` rows of `cols` values: the forward ops
 * read the logits `a`; the gradients read `dy` from `a` and the forward output from `b`.
 */
export function softmax(op: i32, a: usize, b: usize, out: usize, rowCount: i32, cols: i32): void {
  if (cols <= 0) return;
  if (op == SOFTMAX) rows(SOFTMAX, a, b, out, rowCount, cols);
  else if (op == LOG_SOFTMAX) rows(LOG_SOFTMAX, a, b, out, rowCount, cols);
  else if (op == SOFTMAX_GRAD) rows(SOFTMAX_GRAD, a, b, out, rowCount, cols);
  else rows(LOG_SOFTMAX_GRAD, a, b, out, rowCount, cols);
}
