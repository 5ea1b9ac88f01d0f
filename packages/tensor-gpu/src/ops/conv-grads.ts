import { conv2dInputGradKernel, conv2dWeightGradKernel, type ConvGeometry } from '../kernels/conv';
import { avgPoolGradKernel, maxPoolGradKernel, type PoolGeometry } from '../kernels/pool';
import { fmt, type Shape } from '../shape';
import type { Tensor } from '../tensor';
import { conv2dGeometry, poolGeometry, type Conv2dOptions, type Pool2dOptions } from './conv-geometry';
import { checkTensor, resultDtype, runKernel } from './run';

/*
 * The gradient kernels of convolution and pooling as ops: the gradient rules of conv2d, the packed
 * convolutions and the pools run them, and so can a custom backward rule (mixed-precision
 * training needs the input and weight gradients separately). Like the rules, they are not
 * themselves differentiable.
 */

/** Input gradient of a convolution of geometry `g` (any layout); `xShape` is the input's shape. */
export function convInputGrad(dy: Tensor, w: Tensor, g: ConvGeometry, xShape: Shape): Tensor {
  return runKernel(dy.engine, conv2dInputGradKernel(g), [dy, w], xShape, resultDtype(dy, w));
}

/** Weight gradient of a convolution of geometry `g` (any layout); `wShape` is the weights' shape. */
export function convWeightGrad(dy: Tensor, x: Tensor, g: ConvGeometry, wShape: Shape): Tensor {
  return runKernel(dy.engine, conv2dWeightGradKernel(g), [dy, x], wShape, resultDtype(dy, x));
}

/** Input gradient of max (`x` is the pooled input) or average pooling of geometry `g`. */
export function poolGrad(kind: 'max' | 'avg', g: PoolGeometry, x: Tensor | Shape, dy: Tensor): Tensor {
  const shape = Array.isArray(x) ? x : (x as Tensor).shape;
  if (kind === 'max') return runKernel(dy.engine, maxPoolGradKernel(g), [x as Tensor, dy], shape, dy.dtype);
  return runKernel(dy.engine, avgPoolGradKernel(g), [dy], shape, dy.dtype);
}

function checkOutputGrad(dy: Tensor, expected: Shape, op: string): void {
  if (dy.shape.length !== expected.length || dy.shape.some((d, i) => d !== expected[i])) {
    throw new Error(`${op}: dy must have the output's shape ${fmt(expected)}, got ${fmt(dy.shape)}`);
  }
}

function checkShape(shape: unknown, op: string, what: string): asserts shape is Shape {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 1)) throw new Error(`${op}: ${what} must be an array of positive integers, got ${JSON.stringify(shape)}`);
}

/**
 * Gradient of `conv2d(x, w, options)` with respect to its input, for `x` of shape `inputShape`:
 * `dy` `[N, O, oH, oW]` → `[N, C, H, W]` (the transposed convolution). Not differentiable.
 */
export function conv2dInputGrad(dy: Tensor, w: Tensor, inputShape: Shape, options: Conv2dOptions = {}): Tensor {
  checkTensor(dy, 'conv2dInputGrad', 'dy');
  checkTensor(w, 'conv2dInputGrad', 'w');
  checkShape(inputShape, 'conv2dInputGrad', 'inputShape');
  const g = conv2dGeometry(inputShape, w.shape, options, 'conv2dInputGrad');
  checkOutputGrad(dy, [g.n, g.o, g.oh, g.ow], 'conv2dInputGrad');
  return convInputGrad(dy, w, g, inputShape);
}

/**
 * Gradient of `conv2d(x, w, options)` with respect to its weights, for `w` of shape
 * `weightShape`: `dy` `[N, O, oH, oW]` and `x` → `[O, C/groups, kH, kW]`. Not differentiable.
 */
export function conv2dWeightGrad(dy: Tensor, x: Tensor, weightShape: Shape, options: Conv2dOptions = {}): Tensor {
  checkTensor(dy, 'conv2dWeightGrad', 'dy');
  checkTensor(x, 'conv2dWeightGrad', 'x');
  checkShape(weightShape, 'conv2dWeightGrad', 'weightShape');
  const g = conv2dGeometry(x.shape, weightShape, options, 'conv2dWeightGrad');
  checkOutputGrad(dy, [g.n, g.o, g.oh, g.ow], 'conv2dWeightGrad');
  return convWeightGrad(dy, x, g, weightShape);
}

/** Gradient of `maxPool2d(x, options)` with respect to `x`: each window's `dy` goes to its first maximum. Not differentiable. */
export function maxPool2dGrad(x: Tensor, dy: Tensor, options: Pool2dOptions): Tensor {
  checkTensor(x, 'maxPool2dGrad', 'x');
  checkTensor(dy, 'maxPool2dGrad', 'dy');
  const g = poolGeometry(x.shape, options, 'maxPool2dGrad');
  checkOutputGrad(dy, [g.n, g.c, g.oh, g.ow], 'maxPool2dGrad');
  return poolGrad('max', g, x, dy);
}

/** Gradient of `avgPool2d(x, options)` with respect to `x` of shape `inputShape`. Not differentiable. */
export function avgPool2dGrad(dy: Tensor, inputShape: Shape, options: Pool2dOptions): Tensor {
  checkTensor(dy, 'avgPool2dGrad', 'dy');
  checkShape(inputShape, 'avgPool2dGrad', 'inputShape');
  const g = poolGeometry(inputShape, options, 'avgPool2dGrad', 'inputShape');
  checkOutputGrad(dy, [g.n, g.c, g.oh, g.ow], 'avgPool2dGrad');
  return poolGrad('avg', g, inputShape, dy);
}
