import type { ConvGeometry } from '../kernels/conv';
import { dims, groupBlocks, outOffset, type Dims } from '../kernels/host-conv';
import { MAX_JOB_CHUNKS } from './parallel-job';
import type { Placed, SimdInstance } from './simd-instance';

// Convolutions in the WebAssembly memory: the forward pass, the weight gradient and (at stride 1)
// the input gradient direct (assembly/conv.ts), other input gradients as the SIMD product + col2im.
// Operands in the heap are used in place, others are copied in once per call (and the result out
// once); the padded planes, packed panels and offset tables, or the input gradient's columns of
// one image (and, for several groups of a shared input, one block of output gradients), are
// scratch. The input gradient's product loop is the JavaScript kernels' (kernels/host-conv.ts).

/** The unfolding arguments of `g` after the two pointers: channels, sizes, strides, padding, dilation. */
const unfoldArgs = (g: ConvGeometry, d: Dims) => [d.cg, g.h, g.w, g.kh, g.kw, g.oh, g.ow, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw] as const;

/** Byte offset of (image b, group first) in x. */
const inputAt = (xAt: number, d: Dims, b: number, first: number) => xAt + 4 * (b * d.inImage + first * d.inGroup);

/**
 * The output rows of (image b, groups first…first+count) as one `[count·og, positions]` block:
 * in place for one group, else gathered into `blockAt`.
 */
function outputBlock(s: SimdInstance, d: Dims, yAt: number, b: number, first: number, count: number, blockAt: number): number {
  const block = d.og * d.positions;
  if (count === 1) return yAt + 4 * outOffset(d, b, first);
  for (let i = 0; i < count; i++) s.move(yAt + 4 * outOffset(d, b, first + i), blockAt + 4 * i * block, block);
  return blockAt;
}

/**
 * Places one call's operands (two inputs and the result) and lays out one image's columns and one
 * gathered block of output rows, for products up to `maxColumns` wide.
 */
function begin(s: SimdInstance, g: ConvGeometry, d: Dims, maxColumns: number, first: Float32Array, second: Float32Array, out: Float32Array): Placed {
  const maxRows = g.sharedInput ? g.o : d.og;
  return s.place(maxColumns, [first, second], out, [d.patch * d.positions, maxRows * d.positions]);
}

/**
 * Sizes of the zero-padded input planes of the direct passes: every tap of every output
 * position lies inside, with input (0, 0) at (ph, pw).
 */
function paddedPlane(g: ConvGeometry): { hp: number; wp: number } {
  return {
    hp: Math.max(g.ph + g.h, (g.oh - 1) * g.sh + (g.kh - 1) * g.dh + 1),
    wp: Math.max(g.pw + g.w, (g.ow - 1) * g.sw + (g.kw - 1) * g.dw + 1),
  };
}

/** Index of the first input plane (h×w floats) of (image b, group grp). */
const firstPlane = (g: ConvGeometry, d: Dims, b: number, grp: number) => (g.h * g.w === 0 ? 0 : (b * d.inImage + grp * d.inGroup) / (g.h * g.w));

/** Output channels of a packed weight or output-gradient panel (conv.ts). */
const PANEL_CHANNELS = 8;
/** Taps of the weight-gradient register tile: threads split the taps in multiples of it. */
const TAP_TILE = 4;

/**
 * Forward, as a direct convolution (assembly/conv.ts): the input is copied into zero-padded planes
 * and each group's weights into panels once per call, then every (image, group) is one kernel call
 * that writes its output block in place. Same summation order, hence bits, as W × im2col(x).
 */
export function simdConv2d(s: SimdInstance, g: ConvGeometry, x: Float32Array, w: Float32Array, out: Float32Array): void {
  if (out.length === 0) return;
  const d = dims(g);
  const { hp, wp } = paddedPlane(g);
  const planes = g.n * (g.sharedInput ? d.cg : g.c);
  const panelFloats = Math.ceil(d.og / PANEL_CHANNELS) * PANEL_CHANNELS * d.patch;
  const placed = s.place(0, [x, w], out, [planes * hp * wp, g.groups * panelFloats, d.patch]);
  const [xAt, wAt] = placed.inputs;
  const yAt = placed.out;
  const [paddedAt, panelsAt, tableAt] = placed.extra;
  const e = s.exports;
  e.padPlanes(xAt, paddedAt, planes, g.h, g.w, hp, wp, g.ph, g.pw);
  e.tapOffsets(tableAt, d.cg, g.kh, g.kw, hp, wp, g.dh, g.dw, 0);
  for (let grp = 0; grp < g.groups; grp++) e.packBTransposed(wAt + 4 * grp * d.og * d.patch, d.patch, 0, d.patch, 0, d.og, panelsAt + 4 * grp * panelFloats);
  // Jobs whose chunks are the images of one group, split between threads when large enough.
  const parallel = s.splits(g.n * g.o * d.patch * d.positions);
  if (parallel) s.parallelProducts++;
  const imageStep = 4 * hp * wp * (firstPlane(g, d, 1, 0) - firstPlane(g, d, 0, 0));
  for (let grp = 0; grp < g.groups; grp++) {
    for (let b = 0; b < g.n; b += MAX_JOB_CHUNKS) {
      const args = [paddedAt + 4 * hp * wp * firstPlane(g, d, b, grp), wp, tableAt, d.patch, panelsAt + 4 * grp * panelFloats, d.og, yAt + 4 * outOffset(d, b, grp), g.oh, g.ow, g.sh, g.sw, 0];
      const steps = [imageStep, 0, 0, 0, 0, 0, 4 * d.outImage, 0, 0, 0, 0, 0];
      s.run({ kernel: 'convDirect', args, steps, chunks: Math.min(MAX_JOB_CHUNKS, g.n - b), scratch: { edge: 11 } }, parallel);
    }
  }
  placed.finish();
}

/**
 * Input channels per group from which the input gradient runs direct: its register tile computes
 * 8 input channels at a time, so fewer would waste most of it.
 */
const DIRECT_INPUT_GRAD_MIN_CHANNELS = PANEL_CHANNELS;

/**
 * True when the input gradient of `g` runs direct: stride 1, padding within the kernel's reach,
 * enough input channels per group, and each image's gradient gathering from its own groups only.
 */
function directInputGrad(g: ConvGeometry, d: Dims): boolean {
  return g.sh === 1 && g.sw === 1 && g.ph <= (g.kh - 1) * g.dh && g.pw <= (g.kw - 1) * g.dw && !g.sharedInput && d.cg >= DIRECT_INPUT_GRAD_MIN_CHANNELS;
}

/**
 * Input gradient at stride 1, direct (assembly/conv.ts): the forward kernel run over the output
 * gradients, zero-padded so that tap (o, ky, kx) of input position (iy, ix) reads
 * dy[o, iy + ph − ky·dh, ix + pw − kx·dw], with the weights of each group read as
 * `[(o, ky, kx), ci]`. Each input gradient is summed in float32 over (o, ky, kx) in order, the order
 * of the gpu.js kernel (kernels/conv.ts); threads split the images.
 */
function directConv2dInputGrad(s: SimdInstance, g: ConvGeometry, d: Dims, dy: Float32Array, w: Float32Array, out: Float32Array): void {
  const taps = d.og * g.kh * g.kw;
  const top = (g.kh - 1) * g.dh - g.ph;
  const left = (g.kw - 1) * g.dw - g.pw;
  const hp = Math.max(top + g.oh, g.h + (g.kh - 1) * g.dh);
  const wp = Math.max(left + g.ow, g.w + (g.kw - 1) * g.dw);
  const planes = g.n * g.o;
  const panelFloats = Math.ceil(d.cg / PANEL_CHANNELS) * PANEL_CHANNELS * taps;
  const placed = s.place(0, [dy], out, [w.length, planes * hp * wp, g.groups * panelFloats, taps]);
  const [dyAt] = placed.inputs;
  const dxAt = placed.out;
  const [wAt, paddedAt, panelsAt, tableAt] = placed.extra;
  // The weights of each group as [ci, (o, ky, kx)]: the product's Bᵀ layout, packed into panels below.
  const heap = s.heap.floats();
  const kernel = g.kh * g.kw;
  for (let grp = 0; grp < g.groups; grp++) {
    for (let j = 0; j < d.og; j++) {
      for (let ci = 0; ci < d.cg; ci++) {
        const from = ((grp * d.og + j) * d.cg + ci) * kernel;
        heap.set(w.subarray(from, from + kernel), wAt / 4 + ((grp * d.cg + ci) * d.og + j) * kernel);
      }
    }
  }
  const e = s.exports;
  e.padPlanes(dyAt, paddedAt, planes, g.oh, g.ow, hp, wp, top, left);
  e.tapOffsets(tableAt, d.og, g.kh, g.kw, hp, wp, g.dh, g.dw, 1);
  for (let grp = 0; grp < g.groups; grp++) e.packBTransposed(wAt + 4 * grp * d.cg * taps, taps, 0, taps, 0, d.cg, panelsAt + 4 * grp * panelFloats);
  const parallel = s.splits(g.n * g.c * taps * g.h * g.w);
  if (parallel) s.parallelProducts++;
  const dyPlane = (b: number, grp: number) => outOffset(d, b, grp) / d.positions;
  for (let grp = 0; grp < g.groups; grp++) {
    for (let b = 0; b < g.n; b += MAX_JOB_CHUNKS) {
      const args = [paddedAt + 4 * hp * wp * dyPlane(b, grp), wp, tableAt, taps, panelsAt + 4 * grp * panelFloats, d.cg, inputAt(dxAt, d, b, grp), g.h, g.w, 1, 1, 0];
      const steps = [4 * hp * wp * (dyPlane(1, 0) - dyPlane(0, 0)), 0, 0, 0, 0, 0, 4 * d.inImage, 0, 0, 0, 0, 0];
      s.run({ kernel: 'convDirect', args, steps, chunks: Math.min(MAX_JOB_CHUNKS, g.n - b), scratch: { edge: 11 } }, parallel);
    }
  }
  placed.finish();
}

/**
 * Input gradient: direct where directInputGrad allows, else dx[b] += col2im(W_groupsᵀ × dy[b, groups])
 * (summed over the output channels per tap, then over the taps).
 */
export function simdConv2dInputGrad(s: SimdInstance, g: ConvGeometry, dy: Float32Array, w: Float32Array, out: Float32Array): void {
  if (out.length === 0) return;
  const d = dims(g);
  if (d.positions > 0 && directInputGrad(g, d)) {
    directConv2dInputGrad(s, g, d, dy, w, out);
    return;
  }
  const placed = begin(s, g, d, d.positions, dy, w, out);
  const [dyAt, wAt] = placed.inputs;
  const dxAt = placed.out;
  const [colsAt, blockAt] = placed.extra;
  s.zero(dxAt, out.length);
  for (const { first, count } of groupBlocks(g)) {
    for (let b = 0; b < g.n; b++) {
      const dyBlock = outputBlock(s, d, dyAt, b, first, count, blockAt);
      s.gemm(wAt + 4 * first * d.og * d.patch, dyBlock, colsAt, d.patch, count * d.og, d.positions, true, false);
      s.exports.col2im(colsAt, inputAt(dxAt, d, b, first), ...unfoldArgs(g, d));
    }
  }
  placed.finish();
}

/**
 * Weight gradient, direct (assembly/conv.ts): dW_group[o, tap] = Σ_b Σ_position dy[b, o, position] ·
 * x_padded[b, base(position) + tap], each weight summed in float32 image by image, position by
 * position (the order, hence bits, of Σ_b dy[b] × im2col(x[b])ᵀ). The output gradients of every
 * (group, image) are packed in panels of 8 channels; threads split the taps.
 */
export function simdConv2dWeightGrad(s: SimdInstance, g: ConvGeometry, dy: Float32Array, x: Float32Array, out: Float32Array): void {
  if (out.length === 0) return;
  const d = dims(g);
  const { hp, wp } = paddedPlane(g);
  const planes = g.n * (g.sharedInput ? d.cg : g.c);
  const dyPanelFloats = Math.ceil(d.og / PANEL_CHANNELS) * PANEL_CHANNELS * d.positions;
  const placed = s.place(0, [dy, x], out, [planes * hp * wp, g.n * g.groups * dyPanelFloats, d.patch, d.positions]);
  const [dyAt, xAt] = placed.inputs;
  const dwAt = placed.out;
  const [paddedAt, panelsAt, tapsAt, positionsAt] = placed.extra;
  s.zero(dwAt, out.length);
  const e = s.exports;
  e.padPlanes(xAt, paddedAt, planes, g.h, g.w, hp, wp, g.ph, g.pw);
  e.tapOffsets(tapsAt, d.cg, g.kh, g.kw, hp, wp, g.dh, g.dw, 0);
  e.positionOffsets(positionsAt, g.oh, g.ow, g.sh, g.sw, wp);
  const panelsOf = (grp: number, b: number) => panelsAt + 4 * (grp * g.n + b) * dyPanelFloats;
  for (let grp = 0; grp < g.groups; grp++) {
    for (let b = 0; b < g.n; b++) e.packBTransposed(dyAt + 4 * outOffset(d, b, grp), d.positions, 0, d.positions, 0, d.og, panelsOf(grp, b));
  }
  const parallel = s.splits(g.n * g.o * d.patch * d.positions);
  if (parallel) s.parallelProducts++;
  const taps = parallel ? s.chunkSize(d.patch, TAP_TILE) : d.patch;
  const imageStep = 4 * hp * wp * (firstPlane(g, d, 1, 0) - firstPlane(g, d, 0, 0));
  for (let grp = 0; grp < g.groups; grp++) {
    const args = [paddedAt + 4 * hp * wp * firstPlane(g, d, 0, grp), imageStep, panelsOf(grp, 0), 4 * dyPanelFloats, g.n, positionsAt, d.positions, tapsAt, 0, d.patch, d.og, dwAt + 4 * grp * d.og * d.patch, d.patch, 0];
    const steps = [0, 0, 0, 0, 0, 0, 0, 0, taps, 0, 0, 0, 0, 0];
    s.run({ kernel: 'convWeightGrad', args, steps, chunks: Math.ceil(d.patch / taps), count: { arg: 9, chunk: taps, total: d.patch }, scratch: { edge: 13 } }, parallel);
  }
  placed.finish();
}
