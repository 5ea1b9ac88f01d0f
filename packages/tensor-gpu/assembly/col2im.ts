// Folding the column gradients of one image back onto the image (col2im, the adjoint of unfolding
// its receptive fields into columns), for the input gradient of a convolution run as a matrix
// product (see gemm.ts). The image pointer is the image's first channel (channels `h·w` apart);
// `cols` is `[c·kh·kw, oh·ow]` row-major, row (ci, ky, kx), column (y, x). Byte offsets, as in gemm.ts.
// Rows are short (one output row, tens of floats): plain vector loops beat memory.copy, whose
// per-call cost dominates at these lengths.

/** ceil(num / sw) clamped to [0, ow]: the first output column x with x·sw ≥ num. */
// @ts-ignore: decorator
@inline function firstColumn(num: i32, sw: i32, ow: i32): i32 {
  return num <= 0 ? 0 : min(ow, (num + sw - 1) / sw);
}

/** Adds `n` floats from `src` onto `dst`. */
// @ts-ignore: decorator
@inline function addFloats(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), f32x4.add(v128.load(dst + (<usize>i << 2)), v128.load(src + (<usize>i << 2))));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(dst + (<usize>i << 2)) + load<f32>(src + (<usize>i << 2)));
}

/**
 * Adds every column value onto the input position it was read from, visiting the (tap row, output
 * row) pairs in order; columns that read padding are skipped.
 */
export function col2im(cols: usize, dx: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32, oh: i32, ow: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32): void {
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
          if (iy >= 0 && iy < h) {
            const row = dx + (<usize>((ci * h + iy) * w) << 2);
            if (sw == 1) {
              addFloats(row + (<usize>(x0 + shift) << 2), col + (<usize>x0 << 2), x1 - x0);
            } else {
              for (let xx = x0; xx < x1; xx++) {
                const at = row + (<usize>(xx * sw + shift) << 2);
                store<f32>(at, load<f32>(at) + load<f32>(col + (<usize>xx << 2)));
              }
            }
          }
          col += rowBytes;
        }
      }
    }
  }
}
