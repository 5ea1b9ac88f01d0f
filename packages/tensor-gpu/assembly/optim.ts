// The optimizer updates of src/optim/kernels.ts with 128-bit SIMD, over byte offsets as in gemm.ts.
// Every formula runs in float64 lanes and is rounded once to float32 (see widen.ts), the
// arithmetic of the JavaScript and gpu.js kernels, so the updated parameters and state are
// bit-identical to theirs. Four values per step; the last n mod 4 run the same code on a partial
// vector read and written one float at a time.

import { high, low, narrow } from './widen';

/** Four floats from `at`, or the `count` < 4 there and zeros after them. */
// @ts-ignore: decorator
@inline function load4(at: usize, count: i32): v128 {
  if (count >= 4) return v128.load(at);
  let v = f32x4.splat(0);
  if (count > 0) v = f32x4.replace_lane(v, 0, load<f32>(at));
  if (count > 1) v = f32x4.replace_lane(v, 1, load<f32>(at + 4));
  if (count > 2) v = f32x4.replace_lane(v, 2, load<f32>(at + 8));
  return v;
}

/** Stores the first `count` (up to 4) lanes of `v` at `at`. */
// @ts-ignore: decorator
@inline function store4(at: usize, v: v128, count: i32): void {
  if (count >= 4) {
    v128.store(at, v);
    return;
  }
  if (count > 0) store<f32>(at, f32x4.extract_lane(v, 0));
  if (count > 1) store<f32>(at + 4, f32x4.extract_lane(v, 1));
  if (count > 2) store<f32>(at + 8, f32x4.extract_lane(v, 2));
}

// @ts-ignore: decorator
@inline function sgdPair(p: v128, g: v128, lr: v128, wd: v128): v128 {
  return f64x2.sub(p, f64x2.mul(lr, f64x2.add(g, f64x2.mul(wd, p))));
}

/** Plain SGD: out = p − lr·(g + wd·p). */
export function sgd(p: usize, g: usize, out: usize, n: i32, lr: f64, wd: f64): void {
  const lrv = f64x2.splat(lr);
  const wdv = f64x2.splat(wd);
  for (let i = 0; i < n; i += 4) {
    const at = <usize>i << 2;
    const c = n - i;
    const pv = load4(p + at, c);
    const gv = load4(g + at, c);
    store4(out + at, narrow(sgdPair(low(pv), low(gv), lrv, wdv), sgdPair(high(pv), high(gv), lrv, wdv)), c);
  }
}

// @ts-ignore: decorator
@inline function averagePair(s: v128, g: v128, p: v128, decay: v128, scale: v128, wd: v128, squared: bool, decays: bool): v128 {
  let d = f64x2.add(g, f64x2.mul(wd, p));
  if (squared) d = f64x2.mul(d, d);
  const v = f64x2.mul(scale, d);
  return decays ? f64x2.add(f64x2.mul(decay, s), v) : v;
}

/** Running average of d = g + wd·p (or of d² with `squared`): out = decay·s + scale·d; s is not read when decay is 0. */
export function average(s: usize, g: usize, p: usize, out: usize, n: i32, decay: f64, scale: f64, wd: f64, squared: bool): void {
  const dv = f64x2.splat(decay);
  const sv = f64x2.splat(scale);
  const wdv = f64x2.splat(wd);
  const decays = decay != 0;
  for (let i = 0; i < n; i += 4) {
    const at = <usize>i << 2;
    const c = n - i;
    const st = decays ? load4(s + at, c) : f32x4.splat(0);
    const gv = load4(g + at, c);
    const pv = load4(p + at, c);
    const lo = squared ? averagePair(low(st), low(gv), low(pv), dv, sv, wdv, true, decays) : averagePair(low(st), low(gv), low(pv), dv, sv, wdv, false, decays);
    const hi = squared ? averagePair(high(st), high(gv), high(pv), dv, sv, wdv, true, decays) : averagePair(high(st), high(gv), high(pv), dv, sv, wdv, false, decays);
    store4(out + at, narrow(lo, hi), c);
  }
}

// @ts-ignore: decorator
@inline function momentumPair(p: v128, g: v128, b: v128, lr: v128, wd: v128, mu: v128, nesterov: bool): v128 {
  const d = nesterov ? f64x2.add(f64x2.add(g, f64x2.mul(wd, p)), f64x2.mul(mu, b)) : b;
  return f64x2.sub(p, f64x2.mul(lr, d));
}

/** SGD-with-momentum step from the updated buffer b: out = p − lr·b, or p − lr·(g + wd·p + μ·b) with Nesterov. */
export function momentumStep(p: usize, g: usize, b: usize, out: usize, n: i32, lr: f64, wd: f64, mu: f64, nesterov: bool): void {
  const lrv = f64x2.splat(lr);
  const wdv = f64x2.splat(wd);
  const muv = f64x2.splat(mu);
  for (let i = 0; i < n; i += 4) {
    const at = <usize>i << 2;
    const c = n - i;
    const pv = load4(p + at, c);
    const gv = load4(g + at, c);
    const bv = load4(b + at, c);
    const lo = nesterov ? momentumPair(low(pv), low(gv), low(bv), lrv, wdv, muv, true) : momentumPair(low(pv), low(gv), low(bv), lrv, wdv, muv, false);
    const hi = nesterov ? momentumPair(high(pv), high(gv), high(bv), lrv, wdv, muv, true) : momentumPair(high(pv), high(gv), high(bv), lrv, wdv, muv, false);
    store4(out + at, narrow(lo, hi), c);
  }
}

// @ts-ignore: decorator
@inline function adamPair(p: v128, m: v128, v: v128, stepSize: v128, bc2Sqrt: v128, eps: v128): v128 {
  return f64x2.sub(p, f64x2.mul(stepSize, f64x2.div(m, f64x2.add(f64x2.div(f64x2.sqrt(v), bc2Sqrt), eps))));
}

/** Adam step from the updated moments: out = p − stepSize·m / (√v / bc2Sqrt + ε). */
export function adamStep(p: usize, m: usize, v: usize, out: usize, n: i32, stepSize: f64, bc2Sqrt: f64, eps: f64): void {
  const sv = f64x2.splat(stepSize);
  const bv = f64x2.splat(bc2Sqrt);
  const ev = f64x2.splat(eps);
  for (let i = 0; i < n; i += 4) {
    const at = <usize>i << 2;
    const c = n - i;
    const pv = load4(p + at, c);
    const mv = load4(m + at, c);
    const vv = load4(v + at, c);
    store4(out + at, narrow(adamPair(low(pv), low(mv), low(vv), sv, bv, ev), adamPair(high(pv), high(mv), high(vv), sv, bv, ev)), c);
  }
}
