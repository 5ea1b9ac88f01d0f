import type { HostKernel } from '../backend/kernel-spec';
import type { PoolGeometry } from './pool';

/*
 * 2-D pooling over NCHW as host loops with the arithmetic of the gpu.js kernels in pool.ts:
 * float64 accumulation stored once as float32, the first maximum of a window wins (padding never
 * does), the average divides by the full window. The gradients scatter from each window instead of
 * gathering into each input, which visits every window once; windows are walked from the last to
 * the first, the order in which the gpu.js kernel adds an input's contributions, so the sums (in
 * float64) match bit for bit even where windows overlap.
 */

/** Flat index in plane `plane` of the first maximum of window (y, x), or -1 for an all-padding window. */
function argmaxOfWindow(a: Float32Array, g: PoolGeometry, plane: number, y: number, x: number): number {
  let best = 0;
  let arg = -1;
  for (let ky = 0; ky < g.kh; ky++) {
    const iy = y * g.sh - g.ph + ky;
    if (iy < 0 || iy >= g.h) continue;
    for (let kx = 0; kx < g.kw; kx++) {
      const ix = x * g.sw - g.pw + kx;
      if (ix < 0 || ix >= g.w) continue;
      const idx = (plane * g.h + iy) * g.w + ix;
      const v = a[idx];
      if (arg < 0 || v > best) {
        best = v;
        arg = idx;
      }
    }
  }
  return arg;
}

/** Max pooling forward (`maxPool2d`); an all-padding window gives 0, as in the gpu.js kernel. */
export const hostMaxPool: HostKernel<PoolGeometry> = ([a], out, _, g) => {
  const planes = g.n * g.c;
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    for (let y = 0; y < g.oh; y++) {
      for (let x = 0; x < g.ow; x++) {
        const arg = argmaxOfWindow(a, g, plane, y, x);
        out[o++] = arg < 0 ? 0 : a[arg];
      }
    }
  }
};

/** Max pooling backward (`maxPool2dGrad`): each window's dy goes to its first maximum. */
export const hostMaxPoolGrad: HostKernel<PoolGeometry> = ([a, dy], out, _, g) => {
  const acc = new Float64Array(out.length);
  const planes = g.n * g.c;
  for (let plane = 0; plane < planes; plane++) {
    for (let y = g.oh - 1; y >= 0; y--) {
      for (let x = g.ow - 1; x >= 0; x--) {
        const arg = argmaxOfWindow(a, g, plane, y, x);
        if (arg >= 0) acc[arg] += dy[(plane * g.oh + y) * g.ow + x];
      }
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = acc[i];
};

/** Average pooling forward (`avgPool2d`): the sum of the window's inputs over kh·kw. */
export const hostAvgPool: HostKernel<PoolGeometry> = ([a], out, _, g) => {
  const planes = g.n * g.c;
  const size = g.kh * g.kw;
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    for (let y = 0; y < g.oh; y++) {
      for (let x = 0; x < g.ow; x++) {
        let sum = 0;
        for (let ky = 0; ky < g.kh; ky++) {
          const iy = y * g.sh - g.ph + ky;
          if (iy < 0 || iy >= g.h) continue;
          for (let kx = 0; kx < g.kw; kx++) {
            const ix = x * g.sw - g.pw + kx;
            if (ix >= 0 && ix < g.w) sum += a[(plane * g.h + iy) * g.w + ix];
          }
        }
        out[o++] = sum / size;
      }
    }
  }
};

/** Average pooling backward (`avgPool2dGrad`): each input collects dy/(kh·kw) of the windows it lies in. */
export const hostAvgPoolGrad: HostKernel<PoolGeometry> = ([dy], out, _, g) => {
  const acc = new Float64Array(out.length);
  const planes = g.n * g.c;
  for (let plane = 0; plane < planes; plane++) {
    for (let y = g.oh - 1; y >= 0; y--) {
      for (let x = g.ow - 1; x >= 0; x--) {
        const d = dy[(plane * g.oh + y) * g.ow + x];
        for (let ky = 0; ky < g.kh; ky++) {
          const iy = y * g.sh - g.ph + ky;
          if (iy < 0 || iy >= g.h) continue;
          for (let kx = 0; kx < g.kw; kx++) {
            const ix = x * g.sw - g.pw + kx;
            if (ix >= 0 && ix < g.w) acc[(plane * g.h + iy) * g.w + ix] += d;
          }
        }
      }
    }
  }
  const size = g.kh * g.kw;
  for (let i = 0; i < out.length; i++) out[i] = acc[i] / size;
};
