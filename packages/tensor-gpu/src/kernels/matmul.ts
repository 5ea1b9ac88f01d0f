import type { KernelSpec } from '../backend/kernel-spec';

/** Shapes and layouts of a batched matrix product `op(A)·op(B)`, `op` = identity or transpose. */
export interface MatmulGeometry {
  /** Number of products. */
  batch: number;
  /** Rows of op(A) and of the output. */
  m: number;
  /** Inner size: columns of op(A), rows of op(B). */
  n: number;
  /** Columns of op(B) and of the output. */
  p: number;
  /** Elements of A between consecutive batch entries (0: A is shared by the batch). */
  aBatchStride: number;
  /** Elements of B between consecutive batch entries (0: B is shared by the batch). */
  bBatchStride: number;
  /** A is stored `[N, M]` (read transposed). */
  transposeA: boolean;
  /** B is stored `[P, N]` (read transposed). */
  transposeB: boolean;
}

/**
 * Batched matrix product `[B, M, N] x [B, N, P] -> [B, M, P]`, one thread per output value;
 * either operand may be read transposed, so gradients need no transpose kernels.
 */
export function matmulKernel(g: MatmulGeometry): KernelSpec<MatmulGeometry> {
  const { m, n, p } = g;
  const aRead = g.transposeA ? `a[aBase + k * ${m}]` : 'a[aBase + k]';
  const bRead = g.transposeB ? 'b[bBase + k]' : `b[bBase + k * ${p}]`;
  const lines = [
    'const o = this.thread.x;',
    `const bi = Math.floor((o + 0.5) / ${m * p});`,
    `const rem = o - bi * ${m * p};`,
    `const row = Math.floor((rem + 0.5) / ${p});`,
    `const col = rem - row * ${p};`,
    `const aBase = bi * ${g.aBatchStride} + row${g.transposeA ? '' : ` * ${n}`};`,
    `const bBase = bi * ${g.bBatchStride} + col${g.transposeB ? ` * ${n}` : ''};`,
    'let acc = 0;',
    `for (let k = 0; k < ${n}; k++) {`,
    `  acc = acc + ${aRead} * ${bRead};`,
    '}',
    'return acc;',
  ];
  return {
    name: 'matmul',
    source: `function (a, b) {\n  ${lines.join('\n  ')}\n}`,
    outSize: g.batch * m * p,
    loopMax: n,
    params: g,
  };
}
