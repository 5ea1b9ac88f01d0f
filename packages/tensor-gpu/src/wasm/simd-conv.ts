import type { ConvGeometry } from '../kernels/conv';
import { dims, groupBlocks, outOffset, type Dims } from '../kernels/host-conv';
import type { Placed, SimdInstance } from './simd-instance';

// Convolutions as im2col + the SIMD product, entirely inside the WebAssembly memory: operands in
// the heap are used in place, others are copied in once per call (and the result out once); the
// columns of one image (and, for several groups of a shared input, one block of outputs or output
// gradients) are scratch.
// The loop structure is the JavaScript kernels' (kernels/host-conv.ts), on byte offsets.

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

/** Forward: y[b, groups] = W_groups × im2col(x[b, groups]). */
export function simdConv2d(s: SimdInstance, g: ConvGeometry, x: Float32Array, w: Float32Array, out: Float32Array): void {
  const d = dims(g);
  const placed = begin(s, g, d, d.positions, x, w, out);
  const [xAt, wAt] = placed.inputs;
  const yAt = placed.out;
  const [colsAt, blockAt] = placed.extra;
  const block = d.og * d.positions;
  for (let b = 0; b < g.n; b++) {
    for (const { first, count } of groupBlocks(g)) {
      s.exports.im2col(inputAt(xAt, d, b, first), colsAt, ...unfoldArgs(g, d));
      const target = count === 1 ? yAt + 4 * outOffset(d, b, first) : blockAt;
      s.gemm(wAt + 4 * first * d.og * d.patch, colsAt, target, count * d.og, d.patch, d.positions, false, false);
      if (count > 1) for (let i = 0; i < count; i++) s.move(blockAt + 4 * i * block, yAt + 4 * outOffset(d, b, first + i), block);
    }
  }
  placed.finish();
}

/** Input gradient: dx[b] += col2im(W_groupsᵀ × dy[b, groups]). */
export function simdConv2dInputGrad(s: SimdInstance, g: ConvGeometry, dy: Float32Array, w: Float32Array, out: Float32Array): void {
  const d = dims(g);
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
 * Weight gradient: dW_groups = Σ_b dy[b, groups] × im2col(x[b, groups])ᵀ, one product per image
 * that keeps adding onto dW, so each weight is summed in float32 over (image, position) in order.
 */
export function simdConv2dWeightGrad(s: SimdInstance, g: ConvGeometry, dy: Float32Array, x: Float32Array, out: Float32Array): void {
  const d = dims(g);
  const placed = begin(s, g, d, d.patch, dy, x, out);
  const [dyAt, xAt] = placed.inputs;
  const dwAt = placed.out;
  const [colsAt, blockAt] = placed.extra;
  s.zero(dwAt, out.length);
  for (const { first, count } of groupBlocks(g)) {
    for (let b = 0; b < g.n; b++) {
      s.exports.im2col(inputAt(xAt, d, b, first), colsAt, ...unfoldArgs(g, d));
      const dyBlock = outputBlock(s, d, dyAt, b, first, count, blockAt);
      s.gemm(dyBlock, colsAt, dwAt + 4 * first * d.og * d.patch, count * d.og, d.positions, d.patch, false, true, true);
    }
  }
  placed.finish();
}
