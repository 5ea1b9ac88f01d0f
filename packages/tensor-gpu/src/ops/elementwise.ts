import { elementwiseKernel, type ElementwiseOp, type Operand } from '../kernels/elementwise';
import { broadcastShapes, type Shape } from '../shape';
import { Tensor } from '../tensor';
import { sumToShape } from './broadcast';
import { checkTensor, engineOf, resultDtype, runKernel } from './run';

/** A tensor or a plain number (broadcast as a scalar). */
export type TensorOrNumber = Tensor | number;

function operand(v: TensorOrNumber, op: string, arg: string): Operand {
  if (typeof v === 'number') return 'scalar';
  checkTensor(v, op, arg);
  return v.shape;
}

function outShapeOf(op: string, operands: readonly Operand[]): Shape {
  let shape: Shape = [];
  for (const o of operands) if (o !== 'scalar') shape = broadcastShapes(shape, o, op);
  return shape;
}

/** Runs an elementwise primitive without recording a gradient. */
export function elementwise(op: ElementwiseOp, ...values: TensorOrNumber[]): Tensor {
  const operands = values.map((v, k) => operand(v, op, ['a', 'b', 'c'][k]));
  const engine = engineOf(op, ...values);
  const shape = outShapeOf(op, operands);
  return runKernel(engine, elementwiseKernel(op, shape, operands), values, shape, resultDtype(...values));
}

type Backward = (dy: Tensor, out: Tensor) => (Tensor | null)[];

function recorded(op: ElementwiseOp, values: TensorOrNumber[], backward: Backward | null): Tensor {
  const out = elementwise(op, ...values);
  const engine = out.engine;
  if (backward && engine.recording) {
    const tensors = values.filter((v): v is Tensor => v instanceof Tensor);
    engine.record(out, tensors, (dy) => {
      const perValue = backward(dy, out);
      const grads: (Tensor | null)[] = [];
      values.forEach((v, k) => {
        if (v instanceof Tensor) grads.push(perValue[k] ? sumToShape(perValue[k]!, v.shape) : null);
      });
      return grads;
    });
  }
  return out;
}

const e = elementwise;

/** `-x` */
export const neg = (x: Tensor): Tensor => recorded('neg', [x], (dy) => [e('neg', dy)]);
/** `e^x` */
export const exp = (x: Tensor): Tensor => recorded('exp', [x], (dy, y) => [e('mul', dy, y)]);
/** Natural logarithm. */
export const log = (x: Tensor): Tensor => recorded('log', [x], (dy) => [e('div', dy, x)]);
/** Square root. */
export const sqrt = (x: Tensor): Tensor => recorded('sqrt', [x], (dy, y) => [e('div', dy, e('mul', y, 2))]);
/** Absolute value (gradient sign(x), 0 at 0). */
export const abs = (x: Tensor): Tensor => recorded('abs', [x], (dy) => [e('mul', dy, e('sign', x))]);
/** `max(x, 0)` (gradient 0 at 0). */
export const relu = (x: Tensor): Tensor => recorded('relu', [x], (dy) => [e('mul', dy, e('step', x))]);
/** Logistic sigmoid. */
export const sigmoid = (x: Tensor): Tensor => recorded('sigmoid', [x], (dy, y) => [e('mul', dy, e('mul', y, e('sub', 1, y)))]);
/** Hyperbolic tangent. */
export const tanh = (x: Tensor): Tensor => recorded('tanh', [x], (dy, y) => [e('mul', dy, e('sub', 1, e('square', y)))]);
/** `x²` */
export const square = (x: Tensor): Tensor => recorded('square', [x], (dy) => [e('mul', dy, e('mul', x, 2))]);
/** `1 / x` */
export const reciprocal = (x: Tensor): Tensor => recorded('reciprocal', [x], (dy, y) => [e('neg', e('mul', dy, e('square', y)))]);
/** Sign of x: -1, 0 or 1 (no gradient). */
export const sign = (x: Tensor): Tensor => recorded('sign', [x], null);
/** Largest integer ≤ x (no gradient). */
export const floor = (x: Tensor): Tensor => recorded('floor', [x], null);
/** 1 where x > 0, else 0 (no gradient). */
export const step = (x: Tensor): Tensor => recorded('step', [x], null);
/** 1 where x is finite, 0 for NaN and ±Infinity (no gradient). */
export const isFinite = (x: Tensor): Tensor => recorded('isFinite', [x], null);

/**
 * `a + b`, broadcasting.
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 *
 * const x = t.tensor([[1, 2], [3, 4]]);
 * console.log(await t.add(x, t.tensor([10, 20])).array()); // → [ [ 11, 22 ], [ 13, 24 ] ]
 * console.log(await t.add(x, 1).data()); // → Float32Array(4) [ 2, 3, 4, 5 ]
 * ```
 */
export const add = (a: TensorOrNumber, b: TensorOrNumber): Tensor => recorded('add', [a, b], (dy) => [dy, dy]);
/** `a - b`, broadcasting. */
export const sub = (a: TensorOrNumber, b: TensorOrNumber): Tensor => recorded('sub', [a, b], (dy) => [dy, e('neg', dy)]);
/** `a * b`, broadcasting. */
export const mul = (a: TensorOrNumber, b: TensorOrNumber): Tensor =>
  recorded('mul', [a, b], (dy) => [e('mul', dy, b), e('mul', dy, a)]);
/** `a / b`, broadcasting. */
export const div = (a: TensorOrNumber, b: TensorOrNumber): Tensor =>
  recorded('div', [a, b], (dy, y) => [e('div', dy, b), e('neg', e('div', e('mul', dy, y), b))]);
/** Elementwise maximum (ties send the gradient to `a`). */
export const maximum = (a: TensorOrNumber, b: TensorOrNumber): Tensor =>
  recorded('maximum', [a, b], (dy) => [e('mul', dy, e('greaterEqual', a, b)), e('mul', dy, e('less', a, b))]);
/** Elementwise minimum (ties send the gradient to `a`). */
export const minimum = (a: TensorOrNumber, b: TensorOrNumber): Tensor =>
  recorded('minimum', [a, b], (dy) => [e('mul', dy, e('lessEqual', a, b)), e('mul', dy, e('greater', a, b))]);
/** `a ** b` (for a < 0 only integer b is meaningful, as in IEEE pow). */
export const pow = (a: TensorOrNumber, b: TensorOrNumber): Tensor =>
  recorded('pow', [a, b], (dy, y) => [
    e('mul', dy, e('mul', b, e('pow', a, typeof b === 'number' ? b - 1 : e('sub', b, 1)))),
    e('mul', dy, e('mul', y, e('log', a))),
  ]);
/** 1 where a == b, else 0. */
export const equal = (a: TensorOrNumber, b: TensorOrNumber): Tensor => recorded('equal', [a, b], null);
/** 1 where a != b, else 0. */
export const notEqual = (a: TensorOrNumber, b: TensorOrNumber): Tensor => recorded('notEqual', [a, b], null);
/** 1 where a > b, else 0. */
export const greater = (a: TensorOrNumber, b: TensorOrNumber): Tensor => recorded('greater', [a, b], null);
/** 1 where a >= b, else 0. */
export const greaterEqual = (a: TensorOrNumber, b: TensorOrNumber): Tensor => recorded('greaterEqual', [a, b], null);
/** 1 where a < b, else 0. */
export const less = (a: TensorOrNumber, b: TensorOrNumber): Tensor => recorded('less', [a, b], null);
/** 1 where a <= b, else 0. */
export const lessEqual = (a: TensorOrNumber, b: TensorOrNumber): Tensor => recorded('lessEqual', [a, b], null);
/** `condition != 0 ? a : b`, broadcasting all three. */
export const where = (condition: TensorOrNumber, a: TensorOrNumber, b: TensorOrNumber): Tensor =>
  recorded('where', [condition, a, b], (dy) => [null, e('where', condition, dy, 0), e('where', condition, 0, dy)]);
