import { broadcastStrides } from '../kernels/indexing';
import { gatherKernel } from '../kernels/layout';
import { broadcastShapes, fmt, type Shape } from '../shape';
import type { Tensor } from '../tensor';
import { reshape } from './layout';
import { reduceRaw } from './reduce-raw';
import { checkTensor, runKernel } from './run';

// Broadcasting and its inverse, summing back: each is the other's gradient, so they live together.

/** Copies `x` broadcast to `shape` (NumPy rules). */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(x, 'broadcastTo');
  const target = broadcastShapes(x.shape, shape, 'broadcastTo');
  if (target.length !== shape.length || target.some((d, i) => d !== shape[i])) {
    throw new Error(`broadcastTo: ${fmt(x.shape)} cannot be broadcast to ${fmt(shape)}`);
  }
  const out = runKernel(x.engine, gatherKernel(shape, broadcastStrides(x.shape, shape), 0), [x], shape, x.dtype);
  x.engine.record(out, [x], (dy) => [sumToShape(dy, x.shape)]);
  return out;
}

/** Broadcasts a reduced tensor back to `shape` (inserting the reduced axes); not recorded. */
export function broadcastBack(y: Tensor, shape: Shape, axes: readonly number[]): Tensor {
  return y.engine.noGrad(() => y.engine.tidy(() => broadcastTo(reshape(y, shape.map((d, i) => (axes.includes(i) ? 1 : d))), shape)));
}

/** Sums a broadcast gradient back down to `shape` (the inverse of broadcasting). */
export function sumToShape(dy: Tensor, shape: Shape): Tensor {
  if (dy.shape.length === shape.length && dy.shape.every((d, i) => d === shape[i])) return dy;
  const lead = dy.rank - shape.length;
  const axes: number[] = [];
  dy.shape.forEach((d, i) => {
    if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i);
  });
  const s = reduceRaw('sum', dy, axes, false);
  const out = reshape(s, shape);
  s.dispose();
  return out;
}
