// Direct convolution forward pass (an implicit matrix product): no unfolded columns. The input is
// copied once into zero-padded planes, so every tap of every output position is one load at
// `position base + tap offset`; a 4×8 register tile computes 4 consecutive output positions ×
// 8 output channels, splatting the 4 input values of a tap and multiplying them by 8 weights of
// that tap, packed once per call (gemm.ts's B panels of the weights read transposed).
//
// Summation order: each output is accumulated in float32 over the taps (ci, ky, kx) in order, with
// a separate multiply and add, starting from zero: the order of the matrix product over im2col
// columns (gemm.ts), so both give the same bits. Byte offsets, as in gemm.ts.

/** Output positions of the register tile. */
const TP: i32 = 4;
/** Output channels of the register tile (two vectors of four); the weights are packed in panels of this many. */
const TC: i32 = 8;

/**
 * Copies `planes` planes of h×w floats into planes of hp×wp floats, each value at (ph + row, pw + column),
 * zero elsewhere.
 */
export function padPlanes(x: usize, xp: usize, planes: i32, h: i32, w: i32, hp: i32, wp: i32, ph: i32, pw: i32): void {
  const zero = f32x4.splat(0);
  const padded = <usize>(planes * hp * wp) << 2;
  for (let i: usize = 0; i + 16 <= padded; i += 16) v128.store(xp + i, zero);
  for (let i: usize = padded & ~15; i < padded; i += 4) store<f32>(xp + i, 0);
  for (let pl = 0; pl < planes; pl++) {
    for (let r = 0; r < h; r++) {
      const src = x + (<usize>((pl * h + r) * w) << 2);
      const dst = xp + (<usize>((pl * hp + ph + r) * wp + pw) << 2);
      let i = 0;
      for (; i + 4 <= w; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
      for (; i < w; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
    }
  }
}

/**
 * Writes the byte offset of every tap (ci, ky, kx), in that order, from an output position's base in
 * padded planes of hp×wp floats: `c·kh·kw` int32 values at `table`. `flip` reads the kernel
 * rotated by 180° (tap (ky, kx) at (kh−1−ky, kw−1−kx)), as the input gradient does.
 */
export function tapOffsets(table: usize, c: i32, kh: i32, kw: i32, hp: i32, wp: i32, dh: i32, dw: i32, flip: bool): void {
  for (let ci = 0; ci < c; ci++) {
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        const ty = flip ? kh - 1 - ky : ky, tx = flip ? kw - 1 - kx : kx;
        store<i32>(table, ((ci * hp + ty * dh) * wp + tx * dw) << 2);
        table += 4;
      }
    }
  }
}

/**
 * One image and one group: y[o, oh·ow] = Σ_taps w[o, tap] · xp[base(position) + tap], with `xp` the
 * group's first padded plane (hp×wp floats per plane, so that (oy·sh, ox·sw) is the top-left tap of
 * output (oy, ox)), `table` the `taps` offsets of tapOffsets, `panels` the weights packed in panels
 * of 8 output channels (k-major, zero-padded), `y` the group's first output plane. `edge` holds
 * 32 floats of scratch for partial tiles.
 */
export function convDirect(xp: usize, wp: i32, table: usize, taps: i32, panels: usize, o: i32, y: usize, oh: i32, ow: i32, sh: i32, sw: i32, edge: usize): void {
  const positions = oh * ow;
  const ld = <usize>positions << 2;
  const panelBytes = <usize>(taps * TC) << 2;
  for (let oc = 0; oc < o; oc += TC) {
    const channels = min(TC, o - oc);
    const panel = panels + <usize>(oc / TC) * panelBytes;
    const out = y + <usize>oc * ld;
    for (let q = 0; q < positions; q += TP) {
      const valid = min(TP, positions - q);
      // Rows beyond the last position repeat it; their results are not stored.
      const b0 = base(xp, wp, q, ow, sh, sw);
      const b1 = base(xp, wp, q + min(1, valid - 1), ow, sh, sw);
      const b2 = base(xp, wp, q + min(2, valid - 1), ow, sh, sw);
      const b3 = base(xp, wp, q + min(3, valid - 1), ow, sh, sw);
      const at = out + (<usize>q << 2);
      if (valid == TP && channels == TC && sw == 1 && q % ow + TP <= ow) {
        tileRow(b0, table, taps, panel, at, ld);
      } else if (valid == TP && channels == TC) {
        tile(b0, b1, b2, b3, table, taps, panel, at, ld);
      } else {
        tile(b0, b1, b2, b3, table, taps, panel, edge, TP << 2);
        for (let c = 0; c < channels; c++) {
          for (let r = 0; r < valid; r++) store<f32>(at + <usize>c * ld + (<usize>r << 2), load<f32>(edge + (<usize>(c * TP + r) << 2)));
        }
      }
    }
  }
}

/** Byte address in the padded planes of output position q's top-left tap. */
// @ts-ignore: decorator
@inline function base(xp: usize, wp: i32, q: i32, ow: i32, sh: i32, sw: i32): usize {
  const oy = q / ow;
  return xp + (<usize>((oy * sh) * wp + (q - oy * ow) * sw) << 2);
}

/**
 * The 4×8 register tile over all taps: positions from bases b0…b3, channels from one weight panel;
 * stores channel c's 4 positions at `out + c·ld` (16 bytes each).
 */
function tile(b0: usize, b1: usize, b2: usize, b3: usize, table: usize, taps: i32, w: usize, out: usize, ld: usize): void {
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
  let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
  const end = table + (<usize>taps << 2);
  while (table < end) {
    const off = <usize>load<i32>(table);
    const w0 = v128.load(w), w1 = v128.load(w, 16);
    let x = v128.load32_splat(b0 + off);
    s00 = f32x4.add(s00, f32x4.mul(x, w0)); s01 = f32x4.add(s01, f32x4.mul(x, w1));
    x = v128.load32_splat(b1 + off);
    s10 = f32x4.add(s10, f32x4.mul(x, w0)); s11 = f32x4.add(s11, f32x4.mul(x, w1));
    x = v128.load32_splat(b2 + off);
    s20 = f32x4.add(s20, f32x4.mul(x, w0)); s21 = f32x4.add(s21, f32x4.mul(x, w1));
    x = v128.load32_splat(b3 + off);
    s30 = f32x4.add(s30, f32x4.mul(x, w0)); s31 = f32x4.add(s31, f32x4.mul(x, w1));
    table += 4;
    w += 32;
  }
  // s_rh holds position r, channels 4h…4h+3: transpose each 4×4 half to channel rows.
  storeTransposed(s00, s10, s20, s30, out, ld);
  storeTransposed(s01, s11, s21, s31, out + 4 * ld, ld);
}

/**
 * The tile for 4 consecutive positions of one output row at stride 1: their inputs are consecutive
 * too, so one address per tap serves all four loads (fewer instructions than `tile`).
 */
function tileRow(b: usize, table: usize, taps: i32, w: usize, out: usize, ld: usize): void {
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
  let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
  const end = table + (<usize>taps << 2);
  while (table < end) {
    const at = b + <usize>load<i32>(table);
    const w0 = v128.load(w), w1 = v128.load(w, 16);
    let x = v128.load32_splat(at);
    s00 = f32x4.add(s00, f32x4.mul(x, w0)); s01 = f32x4.add(s01, f32x4.mul(x, w1));
    x = v128.load32_splat(at, 4);
    s10 = f32x4.add(s10, f32x4.mul(x, w0)); s11 = f32x4.add(s11, f32x4.mul(x, w1));
    x = v128.load32_splat(at, 8);
    s20 = f32x4.add(s20, f32x4.mul(x, w0)); s21 = f32x4.add(s21, f32x4.mul(x, w1));
    x = v128.load32_splat(at, 12);
    s30 = f32x4.add(s30, f32x4.mul(x, w0)); s31 = f32x4.add(s31, f32x4.mul(x, w1));
    table += 4;
    w += 32;
  }
  storeTransposed(s00, s10, s20, s30, out, ld);
  storeTransposed(s01, s11, s21, s31, out + 4 * ld, ld);
}

/** Stores the transpose of the 4×4 block whose rows are x0…x3: column i at `out + i·ld`. */
// @ts-ignore: decorator
@inline function storeTransposed(x0: v128, x1: v128, x2: v128, x3: v128, out: usize, ld: usize): void {
  const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
  v128.store(out, v128.shuffle<f64>(t0, t1, 0, 2));
  v128.store(out + ld, v128.shuffle<f64>(t0, t1, 1, 3));
  v128.store(out + 2 * ld, v128.shuffle<f64>(t2, t3, 0, 2));
  v128.store(out + 3 * ld, v128.shuffle<f64>(t2, t3, 1, 3));
}

/** Writes the byte offset, in padded planes `wp` floats wide, of each output position's top-left tap: oh·ow int32 values. */
export function positionOffsets(table: usize, oh: i32, ow: i32, sh: i32, sw: i32, wp: i32): void {
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      store<i32>(table, (oy * sh * wp + ox * sw) << 2);
      table += 4;
    }
  }
}

/**
 * Weight gradient of one group, taps first…first+count: dw[o, tap] += Σ_images Σ_positions
 * dy[o, position] · xp[base(position) + tap], summed in float32 image by image and position by
 * position in order onto dw's values (rows `ldw` floats apart) — the order of the product
 * dy × im2col(x)ᵀ accumulated over the images. `xp` is image 0's first padded plane (the next
 * image `xpStep` bytes on), `dyPanels` image 0's output gradients packed in panels of 8 channels,
 * position-major (`dyStep` bytes per image), `positionTable` and `tapTable` the offsets of
 * positionOffsets and tapOffsets. A 4×8 register tile: 4 taps × 8 output channels.
 */
export function convWeightGrad(xp: usize, xpStep: i32, dyPanels: usize, dyStep: i32, images: i32, positionTable: usize, positions: i32, tapTable: usize, first: i32, count: i32, o: i32, dw: usize, ldw: i32, edge: usize): void {
  const ld = <usize>ldw << 2;
  const panelBytes = <usize>(positions * TC) << 2;
  for (let b = 0; b < images; b++) {
    const image = xp + <usize>b * <usize>xpStep;
    const dyImage = dyPanels + <usize>b * <usize>dyStep;
    for (let oc = 0; oc < o; oc += TC) {
      const channels = min(TC, o - oc);
      const panel = dyImage + <usize>(oc / TC) * panelBytes;
      for (let t = first; t < first + count; t += TP) {
        const valid = min(TP, first + count - t);
        // Taps beyond the range repeat its last one; their results are not stored.
        const p0 = image + <usize>load<i32>(tapTable + (<usize>t << 2));
        const p1 = image + <usize>load<i32>(tapTable + (<usize>(t + min(1, valid - 1)) << 2));
        const p2 = image + <usize>load<i32>(tapTable + (<usize>(t + min(2, valid - 1)) << 2));
        const p3 = image + <usize>load<i32>(tapTable + (<usize>(t + min(3, valid - 1)) << 2));
        const at = dw + <usize>oc * ld + (<usize>t << 2);
        if (valid == TP && channels == TC) {
          gradTile(p0, p1, p2, p3, positionTable, positions, panel, at, ld);
        } else {
          for (let c = 0; c < TC; c++) {
            for (let r = 0; r < TP; r++) store<f32>(edge + (<usize>(c * TP + r) << 2), c < channels && r < valid ? load<f32>(at + <usize>c * ld + (<usize>r << 2)) : 0);
          }
          gradTile(p0, p1, p2, p3, positionTable, positions, panel, edge, TP << 2);
          for (let c = 0; c < channels; c++) {
            for (let r = 0; r < valid; r++) store<f32>(at + <usize>c * ld + (<usize>r << 2), load<f32>(edge + (<usize>(c * TP + r) << 2)));
          }
        }
      }
    }
  }
}

/**
 * out[c, r] += Σ_q panel[q, c] · x[p_r + positionTable[q]] for 8 channels c (rows `ld` bytes apart)
 * and 4 taps r (16 consecutive bytes per row).
 */
function gradTile(p0: usize, p1: usize, p2: usize, p3: usize, positionTable: usize, positions: i32, panel: usize, out: usize, ld: usize): void {
  // Load the 8×4 block as 4 tap rows of channels 0…3 (s_r0) and 4…7 (s_r1): a transpose of each half.
  let a0 = v128.load(out), a1 = v128.load(out + ld), a2 = v128.load(out + 2 * ld), a3 = v128.load(out + 3 * ld);
  let t0 = v128.shuffle<f32>(a0, a1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(a2, a3, 0, 4, 1, 5);
  let t2 = v128.shuffle<f32>(a0, a1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(a2, a3, 2, 6, 3, 7);
  let s00 = v128.shuffle<f64>(t0, t1, 0, 2), s10 = v128.shuffle<f64>(t0, t1, 1, 3);
  let s20 = v128.shuffle<f64>(t2, t3, 0, 2), s30 = v128.shuffle<f64>(t2, t3, 1, 3);
  const hi = out + 4 * ld;
  a0 = v128.load(hi); a1 = v128.load(hi + ld); a2 = v128.load(hi + 2 * ld); a3 = v128.load(hi + 3 * ld);
  t0 = v128.shuffle<f32>(a0, a1, 0, 4, 1, 5); t1 = v128.shuffle<f32>(a2, a3, 0, 4, 1, 5);
  t2 = v128.shuffle<f32>(a0, a1, 2, 6, 3, 7); t3 = v128.shuffle<f32>(a2, a3, 2, 6, 3, 7);
  let s01 = v128.shuffle<f64>(t0, t1, 0, 2), s11 = v128.shuffle<f64>(t0, t1, 1, 3);
  let s21 = v128.shuffle<f64>(t2, t3, 0, 2), s31 = v128.shuffle<f64>(t2, t3, 1, 3);
  const end = positionTable + (<usize>positions << 2);
  while (positionTable < end) {
    const off = <usize>load<i32>(positionTable);
    const w0 = v128.load(panel), w1 = v128.load(panel, 16);
    let x = v128.load32_splat(p0 + off);
    s00 = f32x4.add(s00, f32x4.mul(x, w0)); s01 = f32x4.add(s01, f32x4.mul(x, w1));
    x = v128.load32_splat(p1 + off);
    s10 = f32x4.add(s10, f32x4.mul(x, w0)); s11 = f32x4.add(s11, f32x4.mul(x, w1));
    x = v128.load32_splat(p2 + off);
    s20 = f32x4.add(s20, f32x4.mul(x, w0)); s21 = f32x4.add(s21, f32x4.mul(x, w1));
    x = v128.load32_splat(p3 + off);
    s30 = f32x4.add(s30, f32x4.mul(x, w0)); s31 = f32x4.add(s31, f32x4.mul(x, w1));
    positionTable += 4;
    panel += 32;
  }
  storeTransposed(s00, s10, s20, s30, out, ld);
  storeTransposed(s01, s11, s21, s31, hi, ld);
}
