import type { KernelSpec } from '../backend/kernel-spec';

/**
 * Row-wise softmax primitives over the last axis of a `[rows, cols]` view: the forward ops on the
 * logits `x`, and the two gradients from the output gradient `dy` and the forward output `y`.
 */
export type SoftmaxOp = 'softmax' | 'logSoftmax' | 'softmaxGrad' | 'logSoftmaxGrad';

/** Every {@link SoftmaxOp}, in the order of assembly/softmax.ts's op codes. */
export const SOFTMAX_OPS: readonly SoftmaxOp[] = ['softmax', 'logSoftmax', 'softmaxGrad', 'logSoftmaxGrad'];

/** The op and its `[rows, cols]` view, for host implementations. */
export interface SoftmaxParams {
  readonly op: SoftmaxOp;
  readonly rows: number;
  readonly cols: number;
}

/**
 * Per op: the row loop and the output expression over `a` (and `b`) at `i`, the row starting at
 * `base`. The forward ops subtract the row's maximum before exponentiating, so no exponential
 * overflows; like the `max` reduction, a NaN is never greater, and it turns the row's sum into NaN.
 */
const BODIES: Record<SoftmaxOp, (cols: number) => string[]> = {
  softmax: (cols) => [...rowMaxAndSum(cols), 'return Math.exp(a[i] - m) / s;'],
  logSoftmax: (cols) => [...rowMaxAndSum(cols), 'return (a[i] - m) - Math.log(s);'],
  // dx = y ⊙ (dy - Σ dy ⊙ y), with a = dy and b = y = softmax(x).
  softmaxGrad: (cols) => ['let d = 0;', `for (let k = 0; k < ${cols}; k++) { d = d + a[base + k] * b[base + k]; }`, 'return b[i] * (a[i] - d);'],
  // dx = dy - e^y Σ dy, with a = dy and b = y = logSoftmax(x).
  logSoftmaxGrad: (cols) => ['let s = 0;', `for (let k = 0; k < ${cols}; k++) { s = s + a[base + k]; }`, 'return a[i] - Math.exp(b[i]) * s;'],
};

function rowMaxAndSum(cols: number): string[] {
  return [
    'let m = a[base];',
    `for (let k = 1; k < ${cols}; k++) { const x = a[base + k]; if (x > m) { m = x; } }`,
    'let s = 0;',
    `for (let k = 0; k < ${cols}; k++) { s = s + Math.exp(a[base + k] - m); }`,
  ];
}

/** The kernel of a row-wise softmax primitive over `rows` rows of `cols` values. */
export function softmaxKernel(op: SoftmaxOp, rows: number, cols: number): KernelSpec<SoftmaxParams> {
  const args = op === 'softmax' || op === 'logSoftmax' ? 'a' : 'a, b';
  const lines = ['const i = this.thread.x;', `const base = Math.floor((i + 0.5) / ${cols}) * ${cols};`, ...BODIES[op](cols)];
  return { name: op, source: `function (${args}) {\n  ${lines.join('\n  ')}\n}`, outSize: rows * cols, loopMax: cols, params: { op, rows, cols } };
}
