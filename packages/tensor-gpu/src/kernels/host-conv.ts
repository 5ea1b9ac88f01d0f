import { convStrides, type ConvGeometry, type ConvStrides } from './conv';
import type { HostKernels } from './host-kernels';
import type { MatmulGeometry } from './matmul';

const product = (m: number, n: number, p: number, transposeA: boolean, transposeB: boolean): MatmulGeometry => ({
  batch: 1, m, n, p, aBatchStride: 0, bBatchStride: 0, transposeA, transposeB,
});

/**
 * Convolution for the `cpu` backend as im2col + the device's host matmul (`kernels`): forward, input
 * gradient (matmul then col2im) and weight gradient (matmul against the transposed columns).
 * Each is the same arithmetic as the gpu.js kernels in conv.ts, regrouped to share loads. A
 * shared input (packed layout) builds its columns once per image for all groups, so K packed
 * models cost one matmul with K times the output channels.
 */
/** The strides of a geometry plus the unfolded sizes: rows (`cg·kh·kw`) and columns (`oh·ow`) of one image's columns. */
export interface Dims extends ConvStrides { patch: number; positions: number }

// Built as a literal, not by spreading `convStrides(g)`: V8 reads the fields of a spread object
// markedly slower in the hot closures below (the convolutions ran 1.3–1.7× slower).
export function dims(g: ConvGeometry): Dims {
  const s = convStrides(g);
  return { cg: s.cg, og: s.og, inImage: s.inImage, inGroup: s.inGroup, outImage: s.outImage, outGroup: s.outGroup, patch: s.cg * g.kh * g.kw, positions: g.oh * g.ow };
}

/** Calls `visit(row, position, inputIndex)` for every in-bounds tap of the image starting at `base`. */
function forEachTap(g: ConvGeometry, d: Dims, base: number, visit: (row: number, pos: number, idx: number) => void): void {
  for (let ci = 0; ci < d.cg; ci++) {
    const plane = base + ci * g.h * g.w;
    for (let ky = 0; ky < g.kh; ky++) {
      for (let kx = 0; kx < g.kw; kx++) {
        const row = (ci * g.kh + ky) * g.kw + kx;
        for (let y = 0; y < g.oh; y++) {
          const iy = y * g.sh - g.ph + ky * g.dh;
          if (iy < 0 || iy >= g.h) continue;
          for (let x = 0; x < g.ow; x++) {
            const ix = x * g.sw - g.pw + kx * g.dw;
            if (ix >= 0 && ix < g.w) visit(row, y * g.ow + x, plane + iy * g.w + ix);
          }
        }
      }
    }
  }
}

/** The groups handled by one matmul: all of them for a shared input, else one at a time. */
export function groupBlocks(g: ConvGeometry): { first: number; count: number }[] {
  if (g.sharedInput) return [{ first: 0, count: g.groups }];
  return Array.from({ length: g.groups }, (_, first) => ({ first, count: 1 }));
}

/** Offset in y of (image b, group grp): each group's `og` channels of one image are contiguous. */
export const outOffset = (d: Dims, b: number, grp: number): number => b * d.outImage + grp * d.outGroup;

/** Forward: out[b, groups] = W_groups [count·og, patch] × cols [patch, positions] (cols built transposed). */
export function hostConv2d(kernels: Pick<HostKernels, 'matmul'>, g: ConvGeometry, x: Float32Array, w: Float32Array, out: Float32Array): void {
  const d = dims(g);
  const colsT = new Float32Array(d.positions * d.patch);
  const part = new Float32Array(g.o * d.positions);
  const block = d.og * d.positions;
  for (let b = 0; b < g.n; b++) {
    for (const { first, count } of groupBlocks(g)) {
      colsT.fill(0);
      forEachTap(g, d, b * d.inImage + first * d.inGroup, (row, pos, idx) => (colsT[pos * d.patch + row] = x[idx]));
      const rows = count * d.og;
      kernels.matmul(w.subarray(first * d.og * d.patch, (first + count) * d.og * d.patch), colsT, part, product(rows, d.patch, d.positions, false, true));
      for (let i = 0; i < count; i++) out.set(part.subarray(i * block, (i + 1) * block), outOffset(d, b, first + i));
    }
  }
}

/** Copies the output gradients of (image b, groups first…first+count) into one `[count·og, positions]` block. */
function gatherDy(d: Dims, dy: Float32Array, b: number, first: number, count: number, into: Float32Array): Float32Array {
  const block = d.og * d.positions;
  if (count === 1) return dy.subarray(outOffset(d, b, first), outOffset(d, b, first) + block);
  for (let i = 0; i < count; i++) into.set(dy.subarray(outOffset(d, b, first + i), outOffset(d, b, first + i) + block), i * block);
  return into.subarray(0, count * block);
}

/** Input gradient: dcols = W_groupsᵀ × dy (W read transposed), scattered back to the taps (col2im). */
export function hostConv2dInputGrad(kernels: Pick<HostKernels, 'matmul'>, g: ConvGeometry, dy: Float32Array, w: Float32Array, dx: Float32Array): void {
  const d = dims(g);
  const dcols = new Float32Array(d.patch * d.positions);
  const dyBlock = new Float32Array(g.o * d.positions);
  for (const { first, count } of groupBlocks(g)) {
    const wg = w.subarray(first * d.og * d.patch, (first + count) * d.og * d.patch);
    for (let b = 0; b < g.n; b++) {
      const dyPart = gatherDy(d, dy, b, first, count, dyBlock);
      kernels.matmul(wg, dyPart, dcols, product(d.patch, count * d.og, d.positions, true, false));
      forEachTap(g, d, b * d.inImage + first * d.inGroup, (row, pos, idx) => (dx[idx] += dcols[row * d.positions + pos]));
    }
  }
}

/** Weight gradient: dW_groups = Σ_b dy [count·og, positions] × colsᵀ (cols [patch, positions] read transposed). */
export function hostConv2dWeightGrad(kernels: Pick<HostKernels, 'matmul'>, g: ConvGeometry, dy: Float32Array, x: Float32Array, dw: Float32Array): void {
  const d = dims(g);
  const cols = new Float32Array(d.patch * d.positions);
  const part = new Float32Array(g.o * d.patch);
  const dyBlock = new Float32Array(g.o * d.positions);
  for (const { first, count } of groupBlocks(g)) {
    const rows = count * d.og;
    for (let b = 0; b < g.n; b++) {
      cols.fill(0);
      forEachTap(g, d, b * d.inImage + first * d.inGroup, (row, pos, idx) => (cols[row * d.positions + pos] = x[idx]));
      const dyPart = gatherDy(d, dy, b, first, count, dyBlock);
      kernels.matmul(dyPart, cols, part, product(rows, d.positions, d.patch, false, true));
      const base = first * d.og * d.patch;
      for (let i = 0; i < rows * d.patch; i++) dw[base + i] += part[i];
    }
  }
}
