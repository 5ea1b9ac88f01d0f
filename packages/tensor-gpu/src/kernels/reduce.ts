import type { KernelSpec } from '../backend/kernel-spec';

/** Reductions over the middle axis of a `[outer, reduce, inner]` view. */
export type ReduceOp = 'sum' | 'mean' | 'max' | 'min' | 'argmax' | 'argmin';

/** Every {@link ReduceOp}, in the order of assembly/reduce.ts's op codes. */
export const REDUCE_OPS: readonly ReduceOp[] = ['sum', 'mean', 'max', 'min', 'argmax', 'argmin'];

/** The reduction and its `[outer, reduce, inner]` view, for host implementations. */
export interface ReduceParams {
  readonly op: ReduceOp;
  readonly outer: number;
  readonly reduce: number;
  readonly inner: number;
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
export function reduceKernel(op: ReduceOp, outer: number, reduce: number, inner: number): KernelSpec<ReduceParams> {
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
