// Max pooling over NCHW planes, forward and gradient, over byte offsets as in gemm.ts. The same
// rules as the gpu.js kernels (src/kernels/pool.ts): the first maximum of a window wins (a later
// equal value does not, NaN never does unless first), padding is never chosen, an all-padding
// window gives 0. The common 2×2 window of stride 2 without padding runs four windows per step
// with 128-bit SIMD (branch-free first-maximum selection); other windows run scalar code.

/** Byte offset of the first maximum of window (y, x) of the plane at `plane`, or -1 when it lies in the padding. */
// @ts-ignore: decorator
@inline function argmaxOfWindow(plane: usize, h: i32, w: i32, y: i32, x: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32): isize {
  const y0 = max(0, y * sh - ph);
  const y1 = min(h, y * sh - ph + kh);
  const x0 = max(0, x * sw - pw);
  const x1 = min(w, x * sw - pw + kw);
  let arg: isize = -1;
  let best: f32 = 0;
  for (let iy = y0; iy < y1; iy++) {
    for (let ix = x0; ix < x1; ix++) {
      const at = plane + (<usize>(iy * w + ix) << 2);
      const v = load<f32>(at);
      if (arg < 0 || v > best) {
        best = v;
        arg = <isize>at;
      }
    }
  }
  return arg;
}

/** Even and odd lanes of the eight floats at `at`: the left and right columns of four 2-wide windows. */
// @ts-ignore: decorator
@inline function evens(at: usize): v128 {
  return i32x4.shuffle(v128.load(at), v128.load(at + 16), 0, 2, 4, 6);
}
// @ts-ignore: decorator
@inline function odds(at: usize): v128 {
  return i32x4.shuffle(v128.load(at), v128.load(at + 16), 1, 3, 5, 7);
}

/**
 * Four 2×2 windows whose top rows start at `top` (the next image row `rowBytes` further): the
 * first maximum in the order top-left, top-right, bottom-left, bottom-right, and which of the four
 * it is (0…3 per lane), as `v > best` decides it one value at a time.
 */
// @ts-ignore: decorator
@inline function max2x2(top: usize, rowBytes: usize, which: usize): v128 {
  const a = evens(top);
  const b = odds(top);
  const c = evens(top + rowBytes);
  const d = odds(top + rowBytes);
  let best = a;
  let arg = i32x4.splat(0);
  let take = f32x4.gt(b, best);
  best = v128.bitselect(b, best, take);
  arg = v128.bitselect(i32x4.splat(1), arg, take);
  take = f32x4.gt(c, best);
  best = v128.bitselect(c, best, take);
  arg = v128.bitselect(i32x4.splat(2), arg, take);
  take = f32x4.gt(d, best);
  best = v128.bitselect(d, best, take);
  arg = v128.bitselect(i32x4.splat(3), arg, take);
  v128.store(which, arg);
  return best;
}

/** The 2×2, stride 2, unpadded forward; four windows per step, the rest one at a time. */
function maxPool2x2(x: usize, out: usize, planes: i32, h: i32, w: i32, oh: i32, ow: i32, which: usize): void {
  let o = out;
  const rowBytes = <usize>w << 2;
  for (let p = 0; p < planes; p++) {
    const plane = x + (<usize>(p * h * w) << 2);
    for (let y = 0; y < oh; y++) {
      const top = plane + (<usize>(2 * y * w) << 2);
      let xx = 0;
      for (; xx + 4 <= ow; xx += 4) {
        v128.store(o, max2x2(top + (<usize>(2 * xx) << 2), rowBytes, which));
        o += 16;
      }
      for (; xx < ow; xx++) {
        const arg = argmaxOfWindow(plane, h, w, y, xx, 2, 2, 2, 2, 0, 0);
        store<f32>(o, load<f32>(<usize>arg));
        o += 4;
      }
    }
  }
}

/**
 * The 2×2, stride 2, unpadded gradient: windows do not overlap, so each window writes its four
 * inputs (dy + 0 at its first maximum, 0 elsewhere); inputs outside every window stay 0.
 */
function maxPoolGrad2x2(x: usize, dy: usize, dx: usize, planes: i32, h: i32, w: i32, oh: i32, ow: i32, which: usize): void {
  const rowBytes = <usize>w << 2;
  const zero = f32x4.splat(0);
  for (let p = 0; p < planes; p++) {
    const offset = <usize>(p * h * w) << 2;
    for (let y = 0; y < oh; y++) {
      const rowOffset = offset + (<usize>(2 * y * w) << 2);
      const dyRow = dy + (<usize>((p * oh + y) * ow) << 2);
      let xx = 0;
      for (; xx + 4 <= ow; xx += 4) {
        const at = rowOffset + (<usize>(2 * xx) << 2);
        max2x2(x + at, rowBytes, which);
        const arg = v128.load(which);
        const d = f32x4.add(v128.load(dyRow + (<usize>xx << 2)), zero);
        const tl = v128.and(d, i32x4.eq(arg, i32x4.splat(0)));
        const tr = v128.and(d, i32x4.eq(arg, i32x4.splat(1)));
        const bl = v128.and(d, i32x4.eq(arg, i32x4.splat(2)));
        const br = v128.and(d, i32x4.eq(arg, i32x4.splat(3)));
        v128.store(dx + at, i32x4.shuffle(tl, tr, 0, 4, 1, 5));
        v128.store(dx + at + 16, i32x4.shuffle(tl, tr, 2, 6, 3, 7));
        v128.store(dx + at + rowBytes, i32x4.shuffle(bl, br, 0, 4, 1, 5));
        v128.store(dx + at + rowBytes + 16, i32x4.shuffle(bl, br, 2, 6, 3, 7));
      }
      for (; xx < ow; xx++) {
        const arg = argmaxOfWindow(x + offset, h, w, y, xx, 2, 2, 2, 2, 0, 0);
        store<f32>(dx + (<usize>arg - x), load<f32>(dyRow + (<usize>xx << 2)) + 0);
      }
    }
  }
}

/**
 * Max pooling forward of `planes` planes `h×w` into `oh×ow`; `which` is 16 bytes of scratch.
 */
export function maxPool(x: usize, out: usize, which: usize, planes: i32, h: i32, w: i32, oh: i32, ow: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32): void {
  if (kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0) {
    maxPool2x2(x, out, planes, h, w, oh, ow, which);
    return;
  }
  let o = out;
  for (let p = 0; p < planes; p++) {
    const plane = x + (<usize>(p * h * w) << 2);
    for (let y = 0; y < oh; y++) {
      for (let xx = 0; xx < ow; xx++) {
        const arg = argmaxOfWindow(plane, h, w, y, xx, kh, kw, sh, sw, ph, pw);
        store<f32>(o, arg < 0 ? 0 : load<f32>(<usize>arg));
        o += 4;
      }
    }
  }
}

/**
 * Max pooling gradient: each window's dy goes to its first maximum; `dx` (planes·h·w floats) is
 * overwritten. Windows that do not overlap give each input at most one value, stored as is. Where
 * they overlap the values are summed in float64 in `acc` (planes·h·w doubles), windows taken from
 * last to first (the order of the gpu.js kernel), and rounded once, as the JavaScript kernels do.
 * `which` is 16 bytes of scratch.
 */
export function maxPoolGrad(x: usize, dy: usize, dx: usize, acc: usize, which: usize, planes: i32, h: i32, w: i32, oh: i32, ow: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32): void {
  const n = planes * h * w;
  const overlap = sh < kh || sw < kw;
  memory.fill(overlap ? acc : dx, 0, <usize>n << (overlap ? 3 : 2));
  if (kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0) {
    maxPoolGrad2x2(x, dy, dx, planes, h, w, oh, ow, which);
    return;
  }
  for (let p = 0; p < planes; p++) {
    const plane = x + (<usize>(p * h * w) << 2);
    for (let y = oh - 1; y >= 0; y--) {
      for (let xx = ow - 1; xx >= 0; xx--) {
        const arg = argmaxOfWindow(plane, h, w, y, xx, kh, kw, sh, sw, ph, pw);
        if (arg < 0) continue;
        const d = load<f32>(dy + (<usize>((p * oh + y) * ow + xx) << 2));
        const index = (<usize>arg - x) >> 2;
        if (overlap) {
          const at = acc + (index << 3);
          store<f64>(at, load<f64>(at) + <f64>d);
        } else {
          // + 0: the sum 0 + d that the other kernels compute turns −0 into +0.
          store<f32>(dx + (index << 2), d + 0);
        }
      }
    }
  }
  if (overlap) for (let i = 0; i < n; i++) store<f32>(dx + (<usize>i << 2), <f32>load<f64>(acc + (<usize>i << 3)));
}
