import { conv2dKernel, type ConvGeometry } from '../kernels/conv';
import { avgPoolKernel, maxPoolKernel } from '../kernels/pool';
import { accumulating, type Accumulation } from '../fp16/accumulation';
import type { Tensor } from '../tensor';
import { conv2dGeometry, poolGeometry, type Conv2dOptions, type Pool2dOptions } from './conv-geometry';
import { convInputGrad, convWeightGrad, poolGrad } from './conv-grads';
import { checkTensor, resultDtype, runKernel } from './run';

export type { Conv2dOptions, Pair, Pool2dOptions } from './conv-geometry';

/**
 * 2-D convolution (cross-correlation, as in PyTorch): x `[N, C, H, W]`, w `[O, C/groups, kH, kW]`.
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 *
 * const x = t.ones([1, 1, 4, 4]); // one 4×4 single-channel image
 * const w = t.ones([2, 1, 3, 3]); // two 3×3 filters
 * console.log(t.conv2d(x, w).shape); // → [ 1, 2, 2, 2 ]
 * const y = t.conv2d(x, w, { padding: 1, stride: 2 });
 * console.log(y.shape, await y.data()); // → [ 1, 2, 2, 2 ] Float32Array(8) [ 4, 6, 6, 9, 4, 6, 6, 9 ]
 * ```
 */
export function conv2d(x: Tensor, w: Tensor, options: Conv2dOptions = {}): Tensor {
  checkTensor(x, 'conv2d', 'x');
  checkTensor(w, 'conv2d', 'w');
  const g = conv2dGeometry(x.shape, w.shape, options, 'conv2d');
  return convolve(x, w, g, [g.n, g.o, g.oh, g.ow], options.accumulate, 'conv2d');
}

/**
 * Runs the convolution of geometry `g` (any layout; see {@link ConvGeometry}) on x and w and
 * records its gradient rule. `shape` is the output's shape.
 */
export function convolve(x: Tensor, w: Tensor, g: ConvGeometry, shape: number[], accumulate: Accumulation | undefined, op: string): Tensor {
  const dtype = resultDtype(x, w);
  const out = runKernel(x.engine, accumulating(conv2dKernel(g), dtype, accumulate, op), [x, w], shape, dtype);
  x.engine.record(out, [x, w], (dy, needed) => [
    needed[0] ? convInputGrad(dy, w, g, x.shape) : null,
    needed[1] ? convWeightGrad(dy, x, g, w.shape) : null,
  ]);
  return out;
}

/** Max pooling over NCHW windows; the gradient goes to the first maximum of each window. */
export function maxPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  checkTensor(x, 'maxPool2d');
  const g = poolGeometry(x.shape, options, 'maxPool2d');
  const out = runKernel(x.engine, maxPoolKernel(g), [x], [g.n, g.c, g.oh, g.ow], x.dtype);
  x.engine.record(out, [x], (dy) => [poolGrad('max', g, x, dy)]);
  return out;
}

/** Average pooling over NCHW windows (padding counts in the divisor, as PyTorch's default). */
export function avgPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  checkTensor(x, 'avgPool2d');
  const g = poolGeometry(x.shape, options, 'avgPool2d');
  const out = runKernel(x.engine, avgPoolKernel(g), [x], [g.n, g.c, g.oh, g.ow], x.dtype);
  x.engine.record(out, [x], (dy) => [poolGrad('avg', g, x, dy)]);
  return out;
}
