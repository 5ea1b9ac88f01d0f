// Unfolding one image's receptive fields into columns (im2col) and folding column gradients
// back onto the image (col2im), for convolutions run as matrix products (see gemm.ts).
// The image pointer is the image's first channel (channels `h·w` apart); `cols` is
// `[c·kh·kw, oh·ow]` row-major, row (ci, ky, kx), column (y, x). Byte offsets, as in gemm.ts.
// Rows are short (one output row, tens of floats): plain vector loops beat memory.copy/fill,
// whose per-call cost dominates at these lengths.

/** ceil(num / sw) clamped to [0, ow]: the first output column x with x·sw ≥ num. */
// @ts-ignore: decorator
@inline function firstColumn(num: i32, sw: i32, ow: i32): i32 {
  return num <= 0 ? 0 : min(ow, (num + sw - 1) / sw);
}

/** Copies `n` floats from `src` to `dst`. */
// @ts-ignore: decorator
@inline function copyFloats(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

/** Adds `n` floats from `src` onto `dst`. */
// @ts-ignore: decorator
@inline function addFloats(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), f32x4.add(v128.load(dst + (<usize>i << 2)), v128.load(src + (<usize>i << 2))));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(dst + (<usize>i << 2)) + load<f32>(src + (<usize>i << 2)));
}

/** Writes `n` zeros from `dst`. */
// @ts-ignore: decorator
@inline function zeroFloats(dst: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), zero);
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), 0);
}

/**
 * Visits every (tap row, output row) pair of one image. Unfolding (`fold` false) writes each
 * column row from the image, zero in the padding; folding adds each column row back onto the
 * image positions it was read from.
 */
function unfold(image: usize, cols: usize, fold: bool, c: i32, h: i32, w: i32, kh: i32, kw: i32, oh: i32, ow: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32): void {
  let col = cols;
  const rowBytes = <usize>ow << 2;
  for (let ci = 0; ci < c; ci++) {
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        // Output columns [x0, x1) read inside the image; the rest read padding.
        const shift = kx * dw - pw;
        const x0 = firstColumn(-shift, sw, ow);
        const x1 = max(x0, firstColumn(w - shift, sw, ow));
        for (let y = 0; y < oh; y++) {
          const iy = y * sh - ph + ky * dh;
          const inside = iy >= 0 && iy < h;
          const row = image + (<usize>((ci * h + iy) * w) << 2);
          if (!fold) {
            zeroFloats(col, inside ? x0 : ow);
            if (inside) zeroFloats(col + (<usize>x1 << 2), ow - x1);
          }
          if (inside && sw == 1) {
            const at = row + (<usize>(x0 + shift) << 2);
            if (fold) addFloats(at, col + (<usize>x0 << 2), x1 - x0);
            else copyFloats(col + (<usize>x0 << 2), at, x1 - x0);
          } else if (inside) {
            for (let xx = x0; xx < x1; xx++) {
              const at = row + (<usize>(xx * sw + shift) << 2);
              const to = col + (<usize>xx << 2);
              if (fold) store<f32>(at, load<f32>(at) + load<f32>(to));
              else store<f32>(to, load<f32>(at));
            }
          }
          col += rowBytes;
        }
      }
    }
  }
}

/** Writes the columns of one image: every tap's input value, zero where it falls in the padding. */
export function im2col(x: usize, cols: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32, oh: i32, ow: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32): void {
  unfold(x, cols, false, c, h, w, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw);
}

/** Adds every column value onto the input position it was read from (the adjoint of im2col). */
export function col2im(cols: usize, dx: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32, oh: i32, ow: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32): void {
  unfold(dx, cols, true, c, h, w, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw);
}
