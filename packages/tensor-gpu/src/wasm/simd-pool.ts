import type { PoolGeometry } from '../kernels/pool';
import type { SimdInstance } from './simd-instance';

// Max pooling in the kernel module (assembly/pool.ts): operands in the heap are used in place,
// others copied in once per call (and the result out once); the float64 scratch of overlapping
// windows is laid out only for them.

/** The window arguments after the pointers: planes, sizes, window, strides, padding. */
const windowArgs = (g: PoolGeometry) => [g.n * g.c, g.h, g.w, g.oh, g.ow, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw] as const;

/** Max pooling forward into `out`. */
export function simdMaxPool(s: SimdInstance, g: PoolGeometry, x: Float32Array, out: Float32Array): void {
  const placed = s.place(0, [x], out, [4]);
  s.exports.maxPool(placed.inputs[0], placed.out, placed.extra[0], ...windowArgs(g));
  placed.finish();
}

/** Max pooling gradient into `out` (the input's shape) from the input `x` and the output gradient `dy`. */
export function simdMaxPoolGrad(s: SimdInstance, g: PoolGeometry, x: Float32Array, dy: Float32Array, out: Float32Array): void {
  const overlap = g.sh < g.kh || g.sw < g.kw;
  const placed = s.place(0, [x, dy], out, [4, overlap ? 2 * out.length : 0]);
  const [xAt, dyAt] = placed.inputs;
  const [whichAt, accAt] = placed.extra;
  s.exports.maxPoolGrad(xAt, dyAt, placed.out, accAt, whichAt, ...windowArgs(g));
  placed.finish();
}
