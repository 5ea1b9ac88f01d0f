import type { KernelSpec } from '../backend/kernel-spec';
import { sizeOf, stridesOf, type Shape } from '../shape';
import { lit, unravelLines } from './indexing';

/** A strided gather's output shape, its input strides per output axis and its start offset. */
export interface GatherParams {
  readonly outShape: Shape;
  readonly strides: readonly number[];
  readonly offset: number;
}

/**
 * Strided gather: output element at coordinate c reads input index `offset + Σ c[d]·strides[d]`.
 * Transpose, slice and broadcast-to are all this kernel with different strides.
 */
export function gatherKernel(outShape: Shape, strides: readonly number[], offset: number): KernelSpec<GatherParams> {
  const lines = unravelLines(outShape, [strides], ['i0']);
  lines.push(`return a[i0 + ${offset}];`);
  return { name: 'gather', source: `function (a) {\n  ${lines.join('\n  ')}\n}`, outSize: sizeOf(outShape), params: { outShape, strides, offset } };
}

/** Constant padding: `before[d]` values ahead of axis d; positions outside the input read `value`. */
export function padKernel(inShape: Shape, before: readonly number[], outShape: Shape, value: number): KernelSpec {
  const inStrides = stridesOf(inShape);
  const outStrides = stridesOf(outShape);
  const lines = ['let r = this.thread.x;', 'let q = 0;', 'let src = 0;', 'let inside = 1;'];
  for (let d = 0; d < outShape.length; d++) {
    lines.push(outStrides[d] === 1 ? 'q = r;' : `q = Math.floor((r + 0.5) / ${outStrides[d]}); r = r - q * ${outStrides[d]};`);
    if (before[d] !== 0) lines.push(`q = q - ${before[d]};`);
    if (before[d] !== 0 || outShape[d] !== inShape[d]) lines.push(`if (q < 0 || q >= ${inShape[d]}) { inside = 0; }`);
    lines.push(`src = src + q * ${inStrides[d]};`);
  }
  lines.push(`if (inside == 0) { return ${lit(value)}; }`, 'return a[src];');
  return { name: 'pad', source: `function (a) {\n  ${lines.join('\n  ')}\n}`, outSize: sizeOf(outShape) };
}

/** Concatenation of two tensors along `axis` (viewed as `[outer, n, inner]`). */
export function concatKernel(outer: number, n0: number, n1: number, inner: number): KernelSpec {
  const n = n0 + n1;
  const lines = [
    'const o = this.thread.x;',
    `const p = Math.floor((o + 0.5) / ${n * inner});`,
    `const rem = o - p * ${n * inner};`,
    `const j = Math.floor((rem + 0.5) / ${inner});`,
    `const i = rem - j * ${inner};`,
    `if (j < ${n0}) { return a[p * ${n0 * inner} + j * ${inner} + i]; }`,
    `return b[p * ${n1 * inner} + (j - ${n0}) * ${inner} + i];`,
  ];
  return { name: 'concat', source: `function (a, b) {\n  ${lines.join('\n  ')}\n}`, outSize: outer * n * inner };
}
