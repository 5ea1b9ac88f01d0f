// Unfolding one image's receptive fields into columns (im2col) and folding column gradients
// back onto the image (col2im), for convolutions run as matrix products (see gemm.ts).
// `x`/`dx` point at the image's first channel (channels `h·w` apart); `cols` is
// `[c·kh·kw, oh·ow]` row-major, row (ci, ky, kx), column (y, x). Byte offsets, as in gemm.ts.

/** First output column whose tap `x·sw − pw + kx·dw` lies at or after 0, and first one past `w`. */
// @ts-ignore: decorator
@inline function firstColumn(pw: i32, kxdw: i32, sw: i32, ow: i32): i32 {
  const num = pw - kxdw;
  return num <= 0 ? 0 : min(ow, (num + sw - 1) / sw);
}

// Rows are short (one output row, tens of floats): plain vector loops beat memory.copy/fill,
// whose per-call cost dominates at these lengths.

/** Copies `n` floats from `src` to `dst`. */
// @ts-ignore: decorator
@inline function copyFloats(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

/** Writes `n` zeros from `dst`. */
// @ts-ignore: decorator
@inline function zeroFloats(dst: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), zero);
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), 0);
}

/** Writes the columns of one image: every tap's input value, zero where it falls in the padding. */
export function im2col(x: usize, cols: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32, oh: i32, ow: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32): void {
  let dst = cols;
  const rowBytes = <usize>ow << 2;
  for (let ci = 0; ci < c; ci++) {
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        const x0 = firstColumn(pw, kx * dw, sw, ow);
        const x1 = max(x0, firstColumn(pw + w, kx * dw, sw, ow));
        for (let y = 0; y < oh; y++) {
          const iy = y * sh - ph + ky * dh;
          if (iy < 0 || iy >= h) {
            zeroFloats(dst, ow);
          } else {
            const row = x + (<usize>((ci * h + iy) * w) << 2);
            zeroFloats(dst, x0);
            if (sw == 1) {
              copyFloats(dst + (<usize>x0 << 2), row + (<usize>(x0 - pw + kx * dw) << 2), x1 - x0);
            } else {
              for (let xx = x0; xx < x1; xx++) store<f32>(dst + (<usize>xx << 2), load<f32>(row + (<usize>(xx * sw - pw + kx * dw) << 2)));
            }
            zeroFloats(dst + (<usize>x1 << 2), ow - x1);
          }
          dst += rowBytes;
        }
      }
    }
  }
}

/** Adds every column value onto the input position it was read from (the adjoint of im2col). */
export function col2im(cols: usize, dx: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32, oh: i32, ow: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32): void {
  let src = cols;
  const rowBytes = <usize>ow << 2;
  for (let ci = 0; ci < c; ci++) {
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        const x0 = firstColumn(pw, kx * dw, sw, ow);
        const x1 = max(x0, firstColumn(pw + w, kx * dw, sw, ow));
        for (let y = 0; y < oh; y++) {
          const iy = y * sh - ph + ky * dh;
          if (iy >= 0 && iy < h) {
            const row = dx + (<usize>((ci * h + iy) * w) << 2);
            if (sw == 1) {
              const d = row + (<usize>(x0 - pw + kx * dw) << 2);
              const s = src + (<usize>x0 << 2);
              const n = x1 - x0;
              let i = 0;
              for (; i + 4 <= n; i += 4) {
                const o = <usize>i << 2;
                v128.store(d + o, f32x4.add(v128.load(d + o), v128.load(s + o)));
              }
              for (; i < n; i++) {
                const o = <usize>i << 2;
                store<f32>(d + o, load<f32>(d + o) + load<f32>(s + o));
              }
            } else {
              for (let xx = x0; xx < x1; xx++) {
                const d = row + (<usize>(xx * sw - pw + kx * dw) << 2);
                store<f32>(d, load<f32>(d) + load<f32>(src + (<usize>xx << 2)));
              }
            }
          }
          src += rowBytes;
        }
      }
    }
  }
}
