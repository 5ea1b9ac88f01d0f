import { matmulKernel } from '../kernels/matmul';
import { fmt } from '../shape';
import type { Tensor } from '../tensor';
import { sum } from './reduce';
import { accumulating, type Accumulation } from '../fp16/accumulation';
import { checkTensor, resultDtype, runKernel } from './run';

/** Options of `matmul`. */
export interface MatmulOptions {
  /** Use Aᵀ: `a` is stored `[.., N, M]` (no transpose kernel runs). */
  transposeA?: boolean;
  /** Use Bᵀ: `b` is stored `[.., P, N]` (no transpose kernel runs); `x Wᵀ` of a linear layer. */
  transposeB?: boolean;
  /** Accumulator precision for float16 operands (see `Accumulation`). */
  accumulate?: Accumulation;
}

/**
 * Matrix product `op(a)·op(b)`. 2-D: `[M, N] x [N, P] -> [M, P]`. 3-D operands are batches
 * `[B, M, N]`; a 2-D operand is shared by every batch entry. Gradients are products with
 * transposed operands too, so training needs no transpose kernels.
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 *
 * const a = t.tensor([[1, 2], [3, 4]]);
 * const b = t.tensor([[5, 6], [7, 8]]);
 * console.log(await t.matmul(a, b).array()); // → [ [ 19, 22 ], [ 43, 50 ] ]
 * // A linear layer's x Wᵀ with W stored [out, in], without a transpose kernel:
 * console.log(await t.matmul(a, b, { transposeB: true }).array()); // → [ [ 17, 23 ], [ 39, 53 ] ]
 * ```
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  checkTensor(a, 'matmul', 'a');
  checkTensor(b, 'matmul', 'b');
  if (a.rank < 2 || a.rank > 3 || b.rank < 2 || b.rank > 3) {
    throw new Error(`matmul: operands must be 2-D or 3-D, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  }
  const ta = options.transposeA ?? false;
  const tb = options.transposeB ?? false;
  const [a0, a1] = a.shape.slice(-2);
  const [b0, b1] = b.shape.slice(-2);
  const [m, n] = ta ? [a1, a0] : [a0, a1];
  const [n2, p] = tb ? [b1, b0] : [b0, b1];
  const ba = a.rank === 3 ? a.shape[0] : 1;
  const bb = b.rank === 3 ? b.shape[0] : 1;
  if (n !== n2 || (a.rank === 3 && b.rank === 3 && ba !== bb)) {
    const flags = `${ta ? ' (a transposed)' : ''}${tb ? ' (b transposed)' : ''}`;
    throw new Error(`matmul: shapes ${fmt(a.shape)} and ${fmt(b.shape)}${flags} are not aligned (inner sizes ${n} and ${n2}${a.rank === 3 && b.rank === 3 ? `, batches ${ba} and ${bb}` : ''})`);
  }
  const batch = Math.max(ba, bb);
  const batched = a.rank === 3 || b.rank === 3;
  const shape = batched ? [batch, m, p] : [m, p];
  const spec = matmulKernel({ batch, m, n, p, aBatchStride: a.rank === 3 ? m * n : 0, bBatchStride: b.rank === 3 ? n * p : 0, transposeA: ta, transposeB: tb });
  const dtype = resultDtype(a, b);
  const out = runKernel(a.engine, accumulating(spec, dtype, options.accumulate, 'matmul'), [a, b], shape, dtype);
  a.engine.record(out, [a, b], (dy, needed) => {
    // C = op(A)·op(B): each gradient is again a product, with the layouts chosen so that it comes
    // out in the operand's stored layout. A shared 2-D operand sums over the batch.
    const gradA = (): Tensor => {
      const g = ta ? matmul(b, dy, { transposeA: tb, transposeB: true }) : matmul(dy, b, { transposeB: !tb });
      return a.rank === 2 && batched ? sum(g, 0) : g;
    };
    const gradB = (): Tensor => {
      const g = tb ? matmul(dy, a, { transposeA: true, transposeB: ta }) : matmul(a, dy, { transposeA: !ta });
      return b.rank === 2 && batched ? sum(g, 0) : g;
    };
    return [needed[0] ? gradA() : null, needed[1] ? gradB() : null];
  });
  return out;
}

/** Batched matrix product `[K, M, N] x [K, N, P] -> [K, M, P]` (both operands batched). */
export function bmm(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  checkTensor(a, 'bmm', 'a');
  checkTensor(b, 'bmm', 'b');
  if (a.rank !== 3 || b.rank !== 3) throw new Error(`bmm: operands must be 3-D [K, M, N] and [K, N, P], got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  return matmul(a, b, options);
}
