import type { KernelSpec } from '../backend/device';
import { hostMatmul } from './host-matmul';

/**
 * Batched matrix product `[B, M, N] x [B, N, P] -> [B, M, P]`, one thread per output value.
 * A batch stride of 0 broadcasts that operand over the batch (plain `matmul` uses B = 1).
 */
export function matmulKernel(batch: number, m: number, n: number, p: number, aBatchStride: number, bBatchStride: number): KernelSpec {
  const lines = [
    'const o = this.thread.x;',
    `const bi = Math.floor((o + 0.5) / ${m * p});`,
    `const rem = o - bi * ${m * p};`,
    `const row = Math.floor((rem + 0.5) / ${p});`,
    `const col = rem - row * ${p};`,
    `const aBase = bi * ${aBatchStride} + row * ${n};`,
    `const bBase = bi * ${bBatchStride} + col;`,
    'let acc = 0;',
    `for (let k = 0; k < ${n}; k++) {`,
    `  acc = acc + a[aBase + k] * b[bBase + k * ${p}];`,
    '}',
    'return acc;',
  ];
  return {
    name: 'matmul',
    source: `function (a, b) {\n  ${lines.join('\n  ')}\n}`,
    outSize: batch * m * p,
    loopMax: n,
    host: ([a, b], out) => hostMatmul(a, b, out, batch, m, n, p, aBatchStride, bBatchStride),
  };
}
