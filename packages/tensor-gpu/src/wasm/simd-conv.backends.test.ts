import { describe, expect, it } from 'vitest';
import { convStrides, type ConvGeometry } from '../kernels/conv';
import { splitmix32 } from '../random';
import { WasmSimdKernels } from './simd-kernels';

// The WebAssembly SIMD convolutions on their own, in Node and in Chromium: forward, input and
// weight gradients in the NCHW and the packed (model-first, optionally shared-input) layouts,
// against float64 loops over the same geometry, within the float32 error bound γ_K·Σ|terms|.

const U = 2 ** -24;

function values(n: number, seed: number): Float32Array {
  const next = splitmix32(seed);
  return Float32Array.from({ length: n }, () => Math.fround(2 * next() - 1));
}

/** Calls `visit(yIndex, xIndex, wIndex)` for every (output, tap) pair of `g` that reads the input. */
function forEachTerm(g: ConvGeometry, visit: (yi: number, xi: number, wi: number) => void): void {
  const s = convStrides(g);
  for (let grp = 0; grp < g.groups; grp++) for (let b = 0; b < g.n; b++) for (let j = 0; j < s.og; j++) {
    for (let y = 0; y < g.oh; y++) for (let x = 0; x < g.ow; x++) {
      const yi = b * s.outImage + grp * s.outGroup + (j * g.oh + y) * g.ow + x;
      for (let ci = 0; ci < s.cg; ci++) for (let ky = 0; ky < g.kh; ky++) for (let kx = 0; kx < g.kw; kx++) {
        const iy = y * g.sh - g.ph + ky * g.dh;
        const ix = x * g.sw - g.pw + kx * g.dw;
        if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
        visit(yi, b * s.inImage + grp * s.inGroup + (ci * g.h + iy) * g.w + ix, (((grp * s.og + j) * s.cg + ci) * g.kh + ky) * g.kw + kx);
      }
    }
  }
}

/** Float64 sums and Σ|terms| of a convolution product, accumulated at `target(yi, xi, wi)` as `term(...)`. */
function oracle(length: number, g: ConvGeometry, target: (yi: number, xi: number, wi: number) => number, term: (yi: number, xi: number, wi: number) => number) {
  const exact = new Float64Array(length);
  const magnitude = new Float64Array(length);
  const count = new Float64Array(length);
  forEachTerm(g, (yi, xi, wi) => {
    const i = target(yi, xi, wi);
    const v = term(yi, xi, wi);
    exact[i] += v;
    magnitude[i] += Math.abs(v);
    count[i]++;
  });
  return { exact, magnitude, count };
}

function expectWithinBound(name: string, got: Float32Array, o: ReturnType<typeof oracle>): void {
  expect(got.length).toBe(o.exact.length);
  for (let i = 0; i < got.length; i++) {
    const k = Math.max(1, o.count[i]);
    const bound = ((k * U) / (1 - k * U)) * o.magnitude[i];
    if (!(Math.abs(got[i] - o.exact[i]) <= bound)) throw new Error(`${name}[${i}]: got ${got[i]}, float64 ${o.exact[i]}, bound ${bound}`);
  }
}

/**
 * The forward pass and the weight gradient summed as the kernels promise, in float32 with a
 * separate multiply and add: each output over the taps (ci, ky, kx) in order, each weight over the
 * images, then the output positions, in order (padding taps add zero and are skipped).
 */
function orderedSums(g: ConvGeometry, x: Float32Array, w: Float32Array, dy: Float32Array): { y: Float32Array; dw: Float32Array } {
  const y = new Float32Array(dy.length);
  const dw = new Float32Array(w.length);
  forEachTerm(g, (yi, xi, wi) => {
    y[yi] = Math.fround(y[yi] + Math.fround(x[xi] * w[wi]));
    dw[wi] = Math.fround(dw[wi] + Math.fround(dy[yi] * x[xi]));
  });
  return { y, dw };
}

/**
 * The input gradient summed as its direct kernel promises, the gpu.js kernel's order: per input
 * value, in float32 over (output channel of its group, ky, kx) in order, multiply then add.
 */
function orderedInputGrad(g: ConvGeometry, dy: Float32Array, w: Float32Array): Float32Array {
  const s = convStrides(g);
  const dx = new Float32Array(g.n * g.c * g.h * g.w);
  for (let grp = 0; grp < g.groups; grp++) for (let b = 0; b < g.n; b++) for (let ci = 0; ci < s.cg; ci++) {
    for (let iy = 0; iy < g.h; iy++) for (let ix = 0; ix < g.w; ix++) {
      let acc = 0;
      for (let j = 0; j < s.og; j++) for (let ky = 0; ky < g.kh; ky++) for (let kx = 0; kx < g.kw; kx++) {
        const y = iy + g.ph - ky * g.dh, x = ix + g.pw - kx * g.dw;
        if (y < 0 || y >= g.oh || x < 0 || x >= g.ow) continue;
        const term = Math.fround(dy[b * s.outImage + grp * s.outGroup + (j * g.oh + y) * g.ow + x] * w[(((grp * s.og + j) * s.cg + ci) * g.kh + ky) * g.kw + kx]);
        acc = Math.fround(acc + term);
      }
      dx[b * s.inImage + grp * s.inGroup + (ci * g.h + iy) * g.w + ix] = acc;
    }
  }
  return dx;
}

/** The geometries whose input gradient runs direct (simd-conv.ts): stride 1, padding within reach, ≥ 8 input channels per group. */
const directInputGrad = (g: ConvGeometry) => g.sh === 1 && g.sw === 1 && g.ph <= (g.kh - 1) * g.dh && g.pw <= (g.kw - 1) * g.dw && !g.sharedInput && g.c / g.groups >= 8;

function geometry(n: number, c: number, h: number, w: number, o: number, k: [number, number], stride: [number, number], pad: [number, number], dil: [number, number], groups: number, layout: 'nchw' | 'packed' = 'nchw', sharedInput = false): ConvGeometry {
  const oh = Math.floor((h + 2 * pad[0] - dil[0] * (k[0] - 1) - 1) / stride[0]) + 1;
  const ow = Math.floor((w + 2 * pad[1] - dil[1] * (k[1] - 1) - 1) / stride[1]) + 1;
  return { n, c, h, w, o, kh: k[0], kw: k[1], oh, ow, sh: stride[0], sw: stride[1], ph: pad[0], pw: pad[1], dh: dil[0], dw: dil[1], groups, layout, sharedInput };
}

const CASES: [string, ConvGeometry][] = [
  ['LeNet-like, same padding', geometry(3, 1, 28, 28, 6, [5, 5], [1, 1], [2, 2], [1, 1], 1)],
  ['odd sizes, 17 channels', geometry(2, 17, 7, 9, 3, [3, 3], [1, 1], [1, 1], [1, 1], 1)],
  ['20 output channels (two full panels and a partial one), rows of 13', geometry(2, 5, 9, 13, 20, [3, 3], [1, 1], [1, 1], [1, 1], 1)],
  ['dilation 2 at stride 1, 16 output channels', geometry(1, 3, 10, 12, 16, [3, 3], [1, 1], [2, 2], [2, 2], 1)],
  ['stride 2, dilation 2, two groups', geometry(2, 4, 11, 10, 6, [3, 2], [2, 3], [2, 0], [2, 1], 2)],
  ['padding wider than the kernel reach', geometry(1, 2, 3, 5, 2, [2, 3], [1, 2], [3, 4], [1, 1], 1)],
  ['packed layout, three groups', geometry(2, 6, 8, 8, 9, [3, 3], [1, 1], [1, 1], [1, 1], 3, 'packed')],
  ['two groups of 9 input channels, dilation 2', geometry(2, 18, 9, 11, 6, [3, 3], [1, 1], [2, 1], [2, 2], 2)],
  ['packed layout, two groups of 8 input channels', geometry(2, 16, 7, 6, 10, [3, 3], [1, 1], [1, 0], [1, 1], 2, 'packed')],
  ['packed layout, shared input', geometry(2, 9, 9, 7, 6, [3, 3], [1, 1], [1, 1], [1, 1], 3, 'packed', true)],
];

describe('WebAssembly SIMD convolutions', () => {
  for (const [name, g] of CASES) {
    it(`forward and both gradients match float64 (${name})`, () => {
      const kernels = new WasmSimdKernels();
      const s = convStrides(g);
      const xLength = g.n * (g.sharedInput ? s.cg : g.c) * g.h * g.w;
      const wLength = g.o * s.cg * g.kh * g.kw;
      const yLength = g.n * g.o * g.oh * g.ow;
      const x = values(xLength, 1), w = values(wLength, 2), dy = values(yLength, 3);
      const y = new Float32Array(yLength), dx = new Float32Array(xLength), dw = new Float32Array(wLength);
      kernels.conv2d(g, x, w, y);
      kernels.conv2dInputGrad(g, dy, w, dx);
      kernels.conv2dWeightGrad(g, dy, x, dw);
      expectWithinBound('y', y, oracle(yLength, g, (yi) => yi, (yi, xi, wi) => x[xi] * w[wi]));
      const ordered = orderedSums(g, x, w, dy);
      expect(y).toEqual(ordered.y);
      expect(dw).toEqual(ordered.dw);
      if (directInputGrad(g)) expect(dx).toEqual(orderedInputGrad(g, dy, w));
      expectWithinBound('dx', dx, oracle(xLength, g, (_yi, xi) => xi, (yi, _xi, wi) => dy[yi] * w[wi]));
      expectWithinBound('dw', dw, oracle(wLength, g, (_yi, _xi, wi) => wi, (yi, xi) => dy[yi] * x[xi]));
      kernels.dispose();
    });
  }

  it('reuses its memory across calls of the same geometry', () => {
    const kernels = new WasmSimdKernels();
    const [, g] = CASES[0];
    const x = values(g.n * g.c * g.h * g.w, 4), w = values(g.o * g.c * g.kh * g.kw, 5);
    const y = new Float32Array(g.n * g.o * g.oh * g.ow);
    kernels.conv2d(g, x, w, y);
    const settled = kernels.heapBytes;
    const first = Float32Array.from(y);
    for (let i = 0; i < 3; i++) kernels.conv2d(g, x, w, y);
    expect(kernels.heapBytes).toBe(settled);
    expect(y).toEqual(first);
    kernels.dispose();
  });
});
