import type { PoolGeometry } from '../kernels/pool';
import type { SimdInstance } from './simd-instance';

// Max pooling in the kernel module (assembly/pool.ts): the operands are copied in once per call
// and the result out once; the float64 scratch of overlapping windows is laid out only for them.

/** The window arguments after the pointers: planes, sizes, window, strides, padding. */
const windowArgs = (g: PoolGeometry) => [g.n * g.c, g.h, g.w, g.oh, g.ow, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw] as const;

/** Max pooling forward into `out`. */
export function simdMaxPool(s: SimdInstance, g: PoolGeometry, x: Float32Array, out: Float32Array): void {
  const [xAt, outAt, whichAt] = s.layout(0, [x.length, out.length, 4]);
  s.write(x, xAt);
  s.exports.maxPool(xAt, outAt, whichAt, ...windowArgs(g));
  s.read(outAt, out);
}

/** Max pooling gradient into `out` (the input's shape) from the input `x` and the output gradient `dy`. */
export function simdMaxPoolGrad(s: SimdInstance, g: PoolGeometry, x: Float32Array, dy: Float32Array, out: Float32Array): void {
  const overlap = g.sh < g.kh || g.sw < g.kw;
  const [xAt, dyAt, dxAt, whichAt, accAt] = s.layout(0, [x.length, dy.length, out.length, 4, overlap ? 2 * out.length : 0]);
  s.write(x, xAt);
  s.write(dy, dyAt);
  s.exports.maxPoolGrad(xAt, dyAt, dxAt, accAt, whichAt, ...windowArgs(g));
  s.read(dxAt, out);
}
