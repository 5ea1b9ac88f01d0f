import type { ConvGeometry } from './conv';
import { hostMatmul } from './host-matmul';
import type { MatmulGeometry } from './matmul';

const product = (m: number, n: number, p: number, transposeA: boolean, transposeB: boolean): MatmulGeometry => ({
  batch: 1, m, n, p, aBatchStride: 0, bBatchStride: 0, transposeA, transposeB,
});

/**
 * Convolution for the `cpu` backend as im2col + the register-tiled host matmul: forward, input
 * gradient (matmul then col2im) and weight gradient (matmul against the transposed columns).
 * Each is the same arithmetic as the gpu.js kernels in conv.ts, regrouped to share loads.
 */
interface Dims { cg: number; og: number; patch: number; positions: number }

function dims(g: ConvGeometry): Dims {
  const cg = g.c / g.groups;
  return { cg, og: g.o / g.groups, patch: cg * g.kh * g.kw, positions: g.oh * g.ow };
}

/** Calls `visit(row, position, inputIndex)` for every in-bounds tap of image b, group grp. */
function forEachTap(g: ConvGeometry, d: Dims, b: number, grp: number, visit: (row: number, pos: number, idx: number) => void): void {
  for (let ci = 0; ci < d.cg; ci++) {
    const plane = (b * g.c + grp * d.cg + ci) * g.h;
    for (let ky = 0; ky < g.kh; ky++) {
      for (let kx = 0; kx < g.kw; kx++) {
        const row = (ci * g.kh + ky) * g.kw + kx;
        for (let y = 0; y < g.oh; y++) {
          const iy = y * g.sh - g.ph + ky * g.dh;
          if (iy < 0 || iy >= g.h) continue;
          for (let x = 0; x < g.ow; x++) {
            const ix = x * g.sw - g.pw + kx * g.dw;
            if (ix >= 0 && ix < g.w) visit(row, y * g.ow + x, (plane + iy) * g.w + ix);
          }
        }
      }
    }
  }
}

/** Forward: out[b, group] = W_group [og, patch] × cols [patch, positions] (cols built transposed). */
export function hostConv2d(g: ConvGeometry, x: Float32Array, w: Float32Array, out: Float32Array): void {
  const d = dims(g);
  const colsT = new Float32Array(d.positions * d.patch);
  const part = new Float32Array(d.og * d.positions);
  for (let b = 0; b < g.n; b++) {
    for (let grp = 0; grp < g.groups; grp++) {
      colsT.fill(0);
      forEachTap(g, d, b, grp, (row, pos, idx) => (colsT[pos * d.patch + row] = x[idx]));
      hostMatmul(w.subarray(grp * d.og * d.patch, (grp + 1) * d.og * d.patch), colsT, part, product(d.og, d.patch, d.positions, false, true));
      out.set(part, (b * g.o + grp * d.og) * d.positions);
    }
  }
}

/** Input gradient: dcols = W_groupᵀ × dy (W read transposed), scattered back to the taps (col2im). */
export function hostConv2dInputGrad(g: ConvGeometry, dy: Float32Array, w: Float32Array, dx: Float32Array): void {
  const d = dims(g);
  const dcols = new Float32Array(d.patch * d.positions);
  for (let grp = 0; grp < g.groups; grp++) {
    const wg = w.subarray(grp * d.og * d.patch, (grp + 1) * d.og * d.patch);
    for (let b = 0; b < g.n; b++) {
      const dyPart = dy.subarray((b * g.o + grp * d.og) * d.positions, (b * g.o + (grp + 1) * d.og) * d.positions);
      hostMatmul(wg, dyPart, dcols, product(d.patch, d.og, d.positions, true, false));
      forEachTap(g, d, b, grp, (row, pos, idx) => (dx[idx] += dcols[row * d.positions + pos]));
    }
  }
}

/** Weight gradient: dW_group = Σ_b dy [og, positions] × colsᵀ (cols [patch, positions] read transposed). */
export function hostConv2dWeightGrad(g: ConvGeometry, dy: Float32Array, x: Float32Array, dw: Float32Array): void {
  const d = dims(g);
  const cols = new Float32Array(d.patch * d.positions);
  const part = new Float32Array(d.og * d.patch);
  for (let grp = 0; grp < g.groups; grp++) {
    for (let b = 0; b < g.n; b++) {
      cols.fill(0);
      forEachTap(g, d, b, grp, (row, pos, idx) => (cols[row * d.positions + pos] = x[idx]));
      const dyPart = dy.subarray((b * g.o + grp * d.og) * d.positions, (b * g.o + (grp + 1) * d.og) * d.positions);
      hostMatmul(dyPart, cols, part, product(d.og, d.positions, d.patch, false, true));
      const base = grp * d.og * d.patch;
      for (let i = 0; i < part.length; i++) dw[base + i] += part[i];
    }
  }
}
