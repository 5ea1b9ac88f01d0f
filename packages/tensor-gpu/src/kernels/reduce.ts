import type { KernelSpec } from '../backend/kernel-spec';

/** Reductions over the middle axis of a `[outer, reduce, inner]` view (and a leading axis: see {@link ReduceParams}). */
export type ReduceOp = 'sum' | 'mean' | 'max' | 'min' | 'argmax' | 'argmin';

/** Every {@link ReduceOp}, in the order of assembly/reduce.ts's op codes. */
export const REDUCE_OPS: readonly ReduceOp[] = ['sum', 'mean', 'max', 'min', 'argmax', 'argmin'];

/**
 * The reduction and its `[outer, reduce, inner]` view, for host implementations. With `lead` > 1
 * the view is `[lead, outer, reduce, inner]` and the leading axis is reduced too (the batch and
 * spatial axes of an NCHW tensor, around its channels), in row-major order: for each output the
 * values at l = 0, 1, … and within each, k = 0, 1, …. Only sum, mean, max and min take one.
 */
export interface ReduceParams {
  readonly op: ReduceOp;
  readonly outer: number;
  readonly reduce: number;
  readonly inner: number;
  /** Length of the leading reduced axis (default 1: none). */
  readonly lead?: number;
}

const STEP: Record<ReduceOp, string> = {
  sum: 'acc = acc + x;',
  mean: 'acc = acc + x;',
  max: 'if (x > acc) { acc = x; }',
  min: 'if (x < acc) { acc = x; }',
  argmax: 'if (x > acc) { acc = x; best = k; }',
  argmin: 'if (x < acc) { acc = x; best = k; }',
};

/**
 * One output per (outer, inner) pair, looping over the reduced axis. max/min start from the
 * first element (no infinities in kernel text); argmax/argmin return the first extreme index.
 * A NaN never compares greater, so max skips NaN unless the first element is NaN.
 */
export function reduceKernel(op: ReduceOp, outer: number, reduce: number, inner: number, lead = 1): KernelSpec<ReduceParams> {
  if (lead !== 1) return leadReduceKernel(op, outer, reduce, inner, lead);
  const stride = inner;
  const lines = [
    'const o = this.thread.x;',
    inner === 1 ? 'const p = o;' : `const p = Math.floor((o + 0.5) / ${inner});`,
    inner === 1 ? 'const base = p * ' + reduce + ';' : `const base = p * ${reduce * inner} + (o - p * ${inner});`,
    op === 'sum' || op === 'mean' ? 'let acc = 0;' : 'let acc = a[base];',
    'let best = 0;',
    `for (let k = ${op === 'sum' || op === 'mean' ? 0 : 1}; k < ${reduce}; k++) {`,
    `  const x = a[base + k * ${stride}];`,
    `  ${STEP[op]}`,
    '}',
    op === 'argmax' || op === 'argmin' ? 'return best;' : op === 'mean' ? `return acc / ${reduce};` : 'return acc;',
  ];
  return { name: op, source: `function (a) {\n  ${lines.join('\n  ')}\n}`, outSize: outer * inner, loopMax: reduce, params: { op, outer, reduce, inner } };
}

/**
 * The reduction over a leading axis and the middle axis of `[lead, outer, reduce, inner]`: the
 * same steps as {@link reduceKernel} over both axes in row-major order. max and min start from
 * the first value and compare it with itself, which changes nothing (a NaN stays, as before).
 */
function leadReduceKernel(op: ReduceOp, outer: number, reduce: number, inner: number, lead: number): KernelSpec<ReduceParams> {
  if (op === 'argmax' || op === 'argmin') throw new Error(`${op}: reduces one axis, got a leading axis of ${lead}`);
  const additive = op === 'sum' || op === 'mean';
  const lines = [
    'const o = this.thread.x;',
    `const p = Math.floor((o + 0.5) / ${inner});`,
    `const base = p * ${reduce * inner} + (o - p * ${inner});`,
    additive ? 'let acc = 0;' : 'let acc = a[base];',
    `for (let l = 0; l < ${lead}; l++) {`,
    `  for (let k = 0; k < ${reduce}; k++) {`,
    `    const x = a[base + l * ${outer * reduce * inner} + k * ${inner}];`,
    `    ${STEP[op]}`,
    '  }',
    '}',
    op === 'mean' ? `return acc / ${lead * reduce};` : 'return acc;',
  ];
  return { name: op, source: `function (a) {\n  ${lines.join('\n  ')}\n}`, outSize: outer * inner, loopMax: Math.max(lead, reduce), params: { op, outer, reduce, inner, lead } };
}
