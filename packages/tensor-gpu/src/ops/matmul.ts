import { matmulKernel } from '../kernels/matmul';
import { fmt } from '../shape';
import type { Tensor } from '../tensor';
import { transpose } from './layout';
import { sum } from './reduce';
import { accumulating, type Accumulation } from './conv';
import { checkTensor, resultDtype, runKernel } from './run';

function swapLast(x: Tensor): Tensor {
  const perm = x.shape.map((_, i) => i);
  [perm[x.rank - 2], perm[x.rank - 1]] = [perm[x.rank - 1], perm[x.rank - 2]];
  return transpose(x, perm);
}

/**
 * Matrix product. 2-D: `[M, N] x [N, P] -> [M, P]`. 3-D operands are batches `[B, M, N]`; a
 * 2-D operand is shared by every batch entry.
 */
export function matmul(a: Tensor, b: Tensor, options: { accumulate?: Accumulation } = {}): Tensor {
  checkTensor(a, 'matmul', 'a');
  checkTensor(b, 'matmul', 'b');
  if (a.rank < 2 || a.rank > 3 || b.rank < 2 || b.rank > 3) {
    throw new Error(`matmul: operands must be 2-D or 3-D, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  }
  const [m, n] = a.shape.slice(-2);
  const [n2, p] = b.shape.slice(-2);
  const ba = a.rank === 3 ? a.shape[0] : 1;
  const bb = b.rank === 3 ? b.shape[0] : 1;
  if (n !== n2 || (a.rank === 3 && b.rank === 3 && ba !== bb)) {
    throw new Error(`matmul: shapes ${fmt(a.shape)} and ${fmt(b.shape)} are not aligned (inner sizes ${n} and ${n2}${a.rank === 3 && b.rank === 3 ? `, batches ${ba} and ${bb}` : ''})`);
  }
  const batch = Math.max(ba, bb);
  const batched = a.rank === 3 || b.rank === 3;
  const shape = batched ? [batch, m, p] : [m, p];
  const spec = matmulKernel(batch, m, n, p, a.rank === 3 ? m * n : 0, b.rank === 3 ? n * p : 0);
  const dtype = resultDtype(a, b);
  const out = runKernel(a.engine, accumulating(spec, dtype, options.accumulate, 'matmul'), [a, b], shape, dtype);
  a.engine.record(out, [a, b], (dy) => {
    const bt = swapLast(b);
    const at = swapLast(a);
    // A shared 2-D operand collects the gradient of every batch entry.
    const da = matmul(dy, bt);
    const db = matmul(at, dy);
    return [
      a.rank === 2 && batched ? sum(da, 0) : da,
      b.rank === 2 && batched ? sum(db, 0) : db,
    ];
  });
  return out;
}

/** Batched matrix product `[K, M, N] x [K, N, P] -> [K, M, P]` (both operands batched). */
export function bmm(a: Tensor, b: Tensor, options: { accumulate?: Accumulation } = {}): Tensor {
  checkTensor(a, 'bmm', 'a');
  checkTensor(b, 'bmm', 'b');
  if (a.rank !== 3 || b.rank !== 3) throw new Error(`bmm: operands must be 3-D [K, M, N] and [K, N, P], got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  return matmul(a, b, options);
}
