import { reduceKernel, type ReduceOp } from '../kernels/reduce';
import { fmt, sizeOf, type Shape } from '../shape';
import type { Tensor } from '../tensor';
import { reshape, transpose } from './layout';
import { runKernel } from './run';

/** The shape left after reducing `axes` of `shape` (kept as 1 with `keepDims`). */
export function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

/** Runs a reduction kernel (no gradient) over `axes`. */
export function reduceRaw(op: ReduceOp, x: Tensor, axes: readonly number[], keepDims: boolean): Tensor {
  const outShape = reducedShape(x.shape, axes, keepDims);
  // Nothing to reduce: the same values (tensors are immutable, so a view serves as a copy).
  if (axes.length === 0) return x.engine.view(x, outShape);
  const contiguous = axes.every((a, i) => i === 0 || a === axes[i - 1] + 1);
  const split = axes.findIndex((a, i) => i > 0 && a !== axes[i - 1] + 1);
  // Two runs of axes, the first leading (NCHW's batch and spatial axes around the channels): one
  // kernel over a [lead, outer, reduce, inner] view, in the transposed order, without the transpose.
  const twoRuns = !contiguous && axes[0] === 0 && axes.slice(split).every((a, i) => i === 0 || a === axes[split + i - 1] + 1);
  if (twoRuns && (op === 'sum' || op === 'mean' || op === 'max' || op === 'min')) {
    const lead = sizeOf(x.shape.slice(0, split));
    const outer = sizeOf(x.shape.slice(split, axes[split]));
    const reduce = sizeOf(x.shape.slice(axes[split], axes[axes.length - 1] + 1));
    const inner = sizeOf(x.shape.slice(axes[axes.length - 1] + 1));
    if (lead * reduce === 0 && op !== 'sum') throw new Error(`${op}: cannot reduce an empty axis of shape ${fmt(x.shape)}`);
    return runKernel(x.engine, reduceKernel(op, outer, reduce, inner, lead), [x], outShape, x.dtype);
  }
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

