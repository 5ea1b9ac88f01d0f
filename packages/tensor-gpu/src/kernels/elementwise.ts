import type { KernelSpec } from '../backend/kernel-spec';
import { sizeOf, type Shape } from '../shape';
import { FLOAT16_FLUSH_LIMIT, FLOAT16_OVERFLOW_LIMIT, FLOAT16_SUBNORMAL_LIMIT } from '../fp16/limits';
import { broadcastStrides, sameShapes, unravelLines } from './indexing';

/**
 * Elementwise kernels: one body per primitive, written over the values `x` (first input),
 * `y` (second) and `z` (third); the body assigns `v`. Bodies use statements, not `?:`, which
 * not every gpu.js backend transpiles.
 */
export const ELEMENTWISE_BODIES = {
  identity: 'v = x;',
  neg: 'v = -x;',
  exp: 'v = Math.exp(x);',
  log: 'v = Math.log(x);',
  sqrt: 'v = Math.sqrt(x);',
  abs: 'v = Math.abs(x);',
  relu: 'if (x > 0) { v = x; }',
  step: 'if (x > 0) { v = 1; }',
  sign: 'if (x > 0) { v = 1; } if (x < 0) { v = -1; }',
  sigmoid: 'v = 1 / (1 + Math.exp(-x));',
  tanh: 'v = Math.tanh(x);',
  square: 'v = x * x;',
  reciprocal: 'v = 1 / x;',
  floor: 'v = Math.floor(x);',
  isFinite: 'if (x == x && Math.abs(x) < 3.4028235e38) { v = 1; }',
  // Where float32 values would land if cast to binary16 (the limits are exact in float32):
  // |x| ≤ 2^-25 rounds to 0; below 1023.5·2^-24 it stays subnormal; from 65520 on it overflows.
  f16Underflow: `if (x != 0 && Math.abs(x) <= ${FLOAT16_FLUSH_LIMIT}) { v = 1; }`,
  f16Subnormal: `if (Math.abs(x) > ${FLOAT16_FLUSH_LIMIT} && Math.abs(x) < ${FLOAT16_SUBNORMAL_LIMIT}) { v = 1; }`,
  f16Overflow: `if (Math.abs(x) >= ${FLOAT16_OVERFLOW_LIMIT} && Math.abs(x) <= 3.4028234663852886e38) { v = 1; }`,
  nonZero: 'if (x != 0) { v = 1; }',
  add: 'v = x + y;',
  sub: 'v = x - y;',
  mul: 'v = x * y;',
  div: 'v = x / y;',
  maximum: 'v = Math.max(x, y);',
  minimum: 'v = Math.min(x, y);',
  pow: 'v = Math.pow(x, y);',
  equal: 'if (x == y) { v = 1; }',
  notEqual: 'if (x != y) { v = 1; }',
  greater: 'if (x > y) { v = 1; }',
  greaterEqual: 'if (x >= y) { v = 1; }',
  less: 'if (x < y) { v = 1; }',
  lessEqual: 'if (x <= y) { v = 1; }',
  where: 'v = z; if (x != 0) { v = y; }',
} as const;

/** Name of an elementwise primitive. */
export type ElementwiseOp = keyof typeof ELEMENTWISE_BODIES;

const ARG_NAMES = ['a', 'b', 'c'] as const;
const VALUE_NAMES = ['x', 'y', 'z'] as const;

/** An elementwise operand: a tensor of some shape, or a scalar passed as a kernel argument. */
export type Operand = Shape | 'scalar';

/**
 * What a host implementation of an elementwise kernel needs: the primitive, the output shape, and
 * per operand either `'scalar'` or its strides along the output's axes (0 where it broadcasts).
 */
export interface ElementwiseParams {
  /** The primitive. */
  readonly op: ElementwiseOp;
  /** Shape of the output, the operands' broadcast shape. */
  readonly outShape: Shape;
  /** Per operand in argument order: `'scalar'`, or its strides along the output's axes. */
  readonly operands: readonly (readonly number[] | 'scalar')[];
  /** True when every tensor operand has the output's shape (flat index = input index). */
  readonly sameShape: boolean;
}

/**
 * The kernel for an elementwise primitive over operands broadcast to `outShape`. Scalars are
 * kernel arguments, not literals, so changing a scalar (a learning rate) compiles nothing new.
 */
export function elementwiseKernel(op: ElementwiseOp, outShape: Shape, operands: readonly Operand[]): KernelSpec<ElementwiseParams> {
  const args = ARG_NAMES.slice(0, operands.length);
  const tensors = operands.map((o, k) => ({ o, k })).filter((e): e is { o: Shape; k: number } => e.o !== 'scalar');
  const lines: string[] = [];
  const read: string[] = operands.map((o, k) => (o === 'scalar' ? args[k] : ''));
  const sameShape = sameShapes(outShape, tensors.map((e) => e.o));
  if (sameShape) {
    lines.push('const i = this.thread.x;');
    for (const e of tensors) read[e.k] = `${args[e.k]}[i]`;
  } else {
    const idx = tensors.map((e) => `i${e.k}`);
    lines.push(...unravelLines(outShape, tensors.map((e) => broadcastStrides(e.o, outShape)), idx));
    for (const e of tensors) read[e.k] = `${args[e.k]}[i${e.k}]`;
  }
  operands.forEach((_, k) => lines.push(`const ${VALUE_NAMES[k]} = ${read[k]};`));
  lines.push('let v = 0;', ELEMENTWISE_BODIES[op], 'return v;');
  return {
    name: op,
    source: `function (${args.join(', ')}) {\n  ${lines.join('\n  ')}\n}`,
    outSize: sizeOf(outShape),
    params: { op, outShape, operands: operands.map((o) => (o === 'scalar' ? 'scalar' : broadcastStrides(o, outShape))), sameShape },
  };
}
