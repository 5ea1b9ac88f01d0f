import { normAxis } from '../shape';
import type { Tensor } from '../tensor';
import { broadcastBack } from './broadcast';
import { elementwise } from './elementwise';
import { reduceRaw } from './reduce-raw';
import { checkTensor } from './run';

/** Which axes to reduce: one axis, a list, or all when omitted. */
export type Axes = number | readonly number[] | undefined;

function resolveAxes(axes: Axes, rank: number, op: string): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = (typeof axes === 'number' ? [axes] : [...axes]).map((a) => normAxis(a, rank, op));
  if (new Set(list).size !== list.length) throw new Error(`${op}: axes ${JSON.stringify(axes)} repeat an axis`);
  return list.sort((a, b) => a - b);
}

/**
 * Sum over `axes` (all by default).
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 *
 * const x = t.tensor([[1, 2, 3], [4, 5, 6]]);
 * console.log(await t.sum(x).data()); // → Float32Array(1) [ 21 ]
 * console.log(await t.sum(x, 0).data()); // → Float32Array(3) [ 5, 7, 9 ]
 * console.log(t.sum(x, 1, true).shape); // → [ 2, 1 ]
 * ```
 */
export function sum(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  checkTensor(x, 'sum');
  const ax = resolveAxes(axes, x.rank, 'sum');
  const out = reduceRaw('sum', x, ax, keepDims);
  x.engine.record(out, [x], (dy) => [broadcastBack(dy, x.shape, ax)]);
  return out;
}

/**
 * Mean over `axes` (all by default).
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 *
 * const x = t.tensor([[1, 2], [3, 6]]);
 * console.log(await t.mean(x).data()); // → Float32Array(1) [ 3 ]
 * console.log(await t.mean(x, -1).data()); // → Float32Array(2) [ 1.5, 4.5 ]
 * ```
 */
export function mean(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  checkTensor(x, 'mean');
  const ax = resolveAxes(axes, x.rank, 'mean');
  const count = ax.reduce((n, a) => n * x.shape[a], 1);
  const out = reduceRaw('mean', x, ax, keepDims);
  x.engine.record(out, [x], (dy) => [elementwise('div', broadcastBack(dy, x.shape, ax), count)]);
  return out;
}

function extreme(op: 'max' | 'min', x: Tensor, axes: Axes, keepDims: boolean): Tensor {
  checkTensor(x, op);
  const ax = resolveAxes(axes, x.rank, op);
  const out = reduceRaw(op, x, ax, keepDims);
  x.engine.record(out, [x], (dy) => {
    // Ties share the gradient equally, so the gradient sums to dy as for a unique extreme.
    const y = broadcastBack(out, x.shape, ax);
    const mask = elementwise('equal', x, y);
    const count = reduceRaw('sum', mask, ax, true);
    return [elementwise('div', elementwise('mul', mask, broadcastBack(dy, x.shape, ax)), count)];
  });
  return out;
}

/** Maximum over `axes` (all by default). */
export function max(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  return extreme('max', x, axes, keepDims);
}

/** Minimum over `axes` (all by default). */
export function min(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  return extreme('min', x, axes, keepDims);
}

/** Index of the first maximum along `axis` (default: last axis), as float values. */
export function argmax(x: Tensor, axis = -1, keepDims = false): Tensor {
  checkTensor(x, 'argmax');
  return reduceRaw('argmax', x, [normAxis(axis, x.rank, 'argmax')], keepDims);
}

/** Index of the first minimum along `axis` (default: last axis), as float values. */
export function argmin(x: Tensor, axis = -1, keepDims = false): Tensor {
  checkTensor(x, 'argmin');
  return reduceRaw('argmin', x, [normAxis(axis, x.rank, 'argmin')], keepDims);
}
