import { reduceKernel, type ReduceOp } from '../kernels/reduce';
import { fmt, normAxis, sizeOf, type Shape } from '../shape';
import type { Tensor } from '../tensor';
import { elementwise } from './elementwise';
import { broadcastTo, reshape, transpose } from './layout';
import { checkTensor, runKernel } from './run';

/** Which axes to reduce: one axis, a list, or all when omitted. */
export type Axes = number | readonly number[] | undefined;

function resolveAxes(axes: Axes, rank: number, op: string): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = (typeof axes === 'number' ? [axes] : [...axes]).map((a) => normAxis(a, rank, op));
  if (new Set(list).size !== list.length) throw new Error(`${op}: axes ${JSON.stringify(axes)} repeat an axis`);
  return list.sort((a, b) => a - b);
}

function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

/** Runs a reduction kernel (no gradient) over `axes`. */
function reduceRaw(op: ReduceOp, x: Tensor, axes: readonly number[], keepDims: boolean): Tensor {
  const outShape = reducedShape(x.shape, axes, keepDims);
  if (axes.length === 0) return elementwise('identity', x);
  const contiguous = axes.every((a, i) => i === 0 || a === axes[i - 1] + 1);
  if (!contiguous) {
    const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const moved = transposeRaw(x, [...kept, ...axes]);
    const out = reduceRaw(op, moved, axes.map((_, i) => kept.length + i), keepDims);
    moved.dispose();
    if (!keepDims) return out;
    const r = reshape(out, outShape);
    out.dispose();
    return r;
  }
  const first = axes[0];
  const last = axes[axes.length - 1];
  const outer = sizeOf(x.shape.slice(0, first));
  const reduce = sizeOf(x.shape.slice(first, last + 1));
  const inner = sizeOf(x.shape.slice(last + 1));
  if (reduce === 0 && op !== 'sum') throw new Error(`${op}: cannot reduce an empty axis of shape ${fmt(x.shape)}`);
  const dtype = op === 'argmax' || op === 'argmin' ? 'float32' : x.dtype;
  return runKernel(x.engine, reduceKernel(op, outer, reduce, inner), [x], outShape, dtype);
}

function transposeRaw(x: Tensor, perm: number[]): Tensor {
  return x.engine.noGrad(() => transpose(x, perm));
}

/** Sum over `axes` (all by default). */
export function sum(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  checkTensor(x, 'sum');
  const ax = resolveAxes(axes, x.rank, 'sum');
  const out = reduceRaw('sum', x, ax, keepDims);
  x.engine.record(out, [x], (dy) => [broadcastBack(dy, x.shape, ax)]);
  return out;
}

/** Mean over `axes` (all by default). */
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

/** Broadcasts a reduced tensor back to `shape` (inserting the reduced axes); not recorded. */
function broadcastBack(y: Tensor, shape: Shape, axes: readonly number[]): Tensor {
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
