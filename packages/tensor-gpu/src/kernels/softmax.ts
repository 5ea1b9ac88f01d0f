import type { KernelSpec } from '../backend/kernel-spec';

/** Softmax (or log-softmax, `log`) over the last axis of `[rows, cols]`, `cols` ≥ 1. */
export interface SoftmaxParams {
  rows: number;
  cols: number;
  log: boolean;
}

const fn = (args: string, lines: string[]) => `function (${args}) {\n  ${lines.join('\n  ')}\n}`;

const rowStart = (cols: number) => [`const base = Math.floor((this.thread.x + 0.5) / ${cols}) * ${cols};`];

/**
 * Softmax or log-softmax of each row, shifted by the row's maximum (so exp never overflows): one
 * output per thread, each rescanning its row. The portable fallback of a backend's fused kernel;
 * a NaN or +Infinity anywhere in a row makes the whole row NaN, as the composite op does.
 */
export function softmaxKernel(p: SoftmaxParams): KernelSpec<SoftmaxParams> {
  const lines = [
    ...rowStart(p.cols),
    'let m = a[base];',
    `for (let k = 1; k < ${p.cols}; k++) { if (a[base + k] > m) { m = a[base + k]; } }`,
    'let s = 0;',
    `for (let k = 0; k < ${p.cols}; k++) { s = s + Math.exp(a[base + k] - m); }`,
    'const z = a[this.thread.x] - m;',
    p.log ? 'return z - Math.log(s);' : 'return Math.exp(z) / s;',
  ];
  return { name: 'softmaxRows', source: fn('a', lines), outSize: p.rows * p.cols, loopMax: p.cols, params: p };
}

/**
 * Gradient of {@link softmaxKernel} from its output `y` and the output gradient `d`:
 * softmax `y·(d − Σ d·y)`, log-softmax `d − exp(y)·Σ d` (sums over the row).
 */
export function softmaxGradKernel(p: SoftmaxParams): KernelSpec<SoftmaxParams> {
  const lines = [
    ...rowStart(p.cols),
    'let s = 0;',
    `for (let k = 0; k < ${p.cols}; k++) { s = s + ${p.log ? 'd[base + k]' : 'd[base + k] * y[base + k]'}; }`,
    p.log ? 'return d[this.thread.x] - Math.exp(y[this.thread.x]) * s;' : 'return y[this.thread.x] * (d[this.thread.x] - s);',
  ];
  return { name: 'softmaxRowsGrad', source: fn('y, d', lines), outSize: p.rows * p.cols, loopMax: p.cols, params: p };
}
