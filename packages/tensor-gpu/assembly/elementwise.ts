// Elementwise ops of a training step with 128-bit SIMD, over byte offsets as in gemm.ts.
//
// The results must equal the JavaScript kernels' bit for bit: those evaluate each expression in
// float64 and store it as float32. One add, subtract, multiply, divide, max or min of two float32
// values done in float64 and rounded once to float32 is exactly what JavaScript stores, and a
// scalar operand may be any float64 (a learning rate such as 0.1), so the binary ops widen to
// float64 lanes (two per vector), compute there and narrow once. Comparisons, negation and
// absolute value are exact in float32 and stay four lanes wide.

import { high, low, narrow } from './widen';

/** Binary op codes (the host's WASM_BINARY_OPS lists them in this order). */
const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;
const MAX = 4;
const MIN = 5;

/** Unary op codes (the host's WASM_UNARY_OPS lists them in this order). */
const RELU = 0;
const STEP = 1;
const NEG = 2;
const ABS = 3;
const SQUARE = 4;

// @ts-ignore: decorator
@inline function apply(op: i32, x: v128, y: v128): v128 {
  if (op == ADD) return f64x2.add(x, y);
  if (op == SUB) return f64x2.sub(x, y);
  if (op == MUL) return f64x2.mul(x, y);
  if (op == DIV) return f64x2.div(x, y);
  if (op == MAX) return f64x2.max(x, y);
  return f64x2.min(x, y);
}

// @ts-ignore: decorator
@inline function applyScalar(op: i32, x: f64, y: f64): f64 {
  if (op == ADD) return x + y;
  if (op == SUB) return x - y;
  if (op == MUL) return x * y;
  if (op == DIV) return x / y;
  if (op == MAX) return max(x, y);
  return min(x, y);
}

/**
 * The loop of one op, `op` a constant where it is inlined. An operand with `xStep` 0 is the
 * scalar `xs` (any float64); with `xStep` 1 it is `n` floats from `x`.
 */
// @ts-ignore: decorator
@inline function binaryLoop(op: i32, x: usize, xStep: i32, xs: f64, y: usize, yStep: i32, ys: f64, out: usize, n: i32): void {
  const xv = f64x2.splat(xs);
  const yv = f64x2.splat(ys);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    let xl = xv, xh = xv, yl = yv, yh = yv;
    if (xStep) {
      const v = v128.load(x + at);
      xl = low(v);
      xh = high(v);
    }
    if (yStep) {
      const v = v128.load(y + at);
      yl = low(v);
      yh = high(v);
    }
    v128.store(out + at, narrow(apply(op, xl, yl), apply(op, xh, yh)));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const a = xStep ? <f64>load<f32>(x + at) : xs;
    const b = yStep ? <f64>load<f32>(y + at) : ys;
    store<f32>(out + at, <f32>applyScalar(op, a, b));
  }
}

/**
 * out[i] = x[i] op y[i] for `n` values, op one of ADD…MIN; an operand with step 0 is its scalar
 * argument instead (at least one operand has step 1).
 */
export function binary(op: i32, x: usize, xStep: i32, xs: f64, y: usize, yStep: i32, ys: f64, out: usize, n: i32): void {
  if (op == ADD) binaryLoop(ADD, x, xStep, xs, y, yStep, ys, out, n);
  else if (op == SUB) binaryLoop(SUB, x, xStep, xs, y, yStep, ys, out, n);
  else if (op == MUL) binaryLoop(MUL, x, xStep, xs, y, yStep, ys, out, n);
  else if (op == DIV) binaryLoop(DIV, x, xStep, xs, y, yStep, ys, out, n);
  else if (op == MAX) binaryLoop(MAX, x, xStep, xs, y, yStep, ys, out, n);
  else binaryLoop(MIN, x, xStep, xs, y, yStep, ys, out, n);
}

// @ts-ignore: decorator
@inline function applyUnary(op: i32, v: v128): v128 {
  const zero = f32x4.splat(0);
  // relu: x > 0 ? x : +0 (NaN and -0 give +0), which is pmax(+0, x).
  if (op == RELU) return f32x4.pmax(zero, v);
  if (op == STEP) return v128.and(f32x4.gt(v, zero), f32x4.splat(1));
  if (op == NEG) return f32x4.neg(v);
  if (op == ABS) return f32x4.abs(v);
  // x·x rounded once, as float64 then float32 would be (the exact product has at most 48 bits).
  return f32x4.mul(v, v);
}

// @ts-ignore: decorator
@inline function unaryLoop(op: i32, x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(out + at, applyUnary(op, v128.load(x + at)));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(out + at, f32x4.extract_lane(applyUnary(op, f32x4.splat(load<f32>(x + at))), 0));
  }
}

/** out[i] = op(x[i]) for `n` values, op one of RELU…SQUARE. */
export function unary(op: i32, x: usize, out: usize, n: i32): void {
  if (op == RELU) unaryLoop(RELU, x, out, n);
  else if (op == STEP) unaryLoop(STEP, x, out, n);
  else if (op == NEG) unaryLoop(NEG, x, out, n);
  else if (op == ABS) unaryLoop(ABS, x, out, n);
  else unaryLoop(SQUARE, x, out, n);
}
