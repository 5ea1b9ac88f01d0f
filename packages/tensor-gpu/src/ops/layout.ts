import { concatKernel, gatherKernel, padKernel } from '../kernels/layout';
import { checkShape, fmt, normAxis, sizeOf, stridesOf, type Shape } from '../shape';
import type { Tensor } from '../tensor';
import { checkTensor, resultDtype, runKernel } from './run';

/**
 * The same values under another shape (no copy); one axis may be -1 (inferred).
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 *
 * const x = t.tensor([1, 2, 3, 4, 5, 6]);
 * console.log(t.reshape(x, [2, -1]).shape); // → [ 2, 3 ]
 * console.log(await t.reshape(x, [3, 2]).array()); // → [ [ 1, 2 ], [ 3, 4 ], [ 5, 6 ] ]
 * ```
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(x, 'reshape');
  const inferred = [...shape];
  const unknown = inferred.indexOf(-1);
  if (unknown >= 0) {
    const known = sizeOf(inferred.filter((_, i) => i !== unknown));
    if (known === 0 || x.size % known !== 0) throw new Error(`reshape: cannot infer -1 in ${fmt(shape)} for ${x.size} values`);
    inferred[unknown] = x.size / known;
  }
  checkShape(inferred, 'reshape');
  if (sizeOf(inferred) !== x.size) {
    throw new Error(`reshape: cannot reshape ${fmt(x.shape)} (${x.size} values) to ${fmt(shape)} (${sizeOf(inferred)} values)`);
  }
  const out = x.engine.view(x, inferred);
  x.engine.record(out, [x], (dy) => [reshape(dy, x.shape)]);
  return out;
}

/**
 * Permutes axes (default: reverses them), like NumPy's transpose.
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 *
 * const x = t.tensor([[1, 2, 3], [4, 5, 6]]);
 * console.log(await t.transpose(x).array()); // → [ [ 1, 4 ], [ 2, 5 ], [ 3, 6 ] ]
 * console.log(t.transpose(t.zeros([2, 3, 4]), [0, 2, 1]).shape); // → [ 2, 4, 3 ]
 * ```
 */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  checkTensor(x, 'transpose');
  const p = perm ? perm.map((a) => normAxis(a, x.rank, 'transpose')) : x.shape.map((_, i) => x.rank - 1 - i);
  if (p.length !== x.rank || new Set(p).size !== p.length) {
    throw new Error(`transpose: perm ${JSON.stringify(perm)} is not a permutation of the ${x.rank} axes of ${fmt(x.shape)}`);
  }
  const inStrides = stridesOf(x.shape);
  const outShape = p.map((a) => x.shape[a]);
  const out = runKernel(x.engine, gatherKernel(outShape, p.map((a) => inStrides[a]), 0), [x], outShape, x.dtype);
  const inverse = new Array<number>(p.length);
  p.forEach((a, i) => (inverse[a] = i));
  x.engine.record(out, [x], (dy) => [transpose(dy, inverse)]);
  return out;
}

/** The block starting at `begin` with `size` (−1 = to the end) along each axis. */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  checkTensor(x, 'slice');
  if (begin.length !== x.rank || (size && size.length !== x.rank)) {
    throw new Error(`slice: begin ${fmt(begin)} and size ${size ? fmt(size) : '(none)'} need one entry per axis of ${fmt(x.shape)}`);
  }
  const sz = x.shape.map((d, i) => (size === undefined || size[i] === -1 ? d - begin[i] : size[i]));
  x.shape.forEach((d, i) => {
    if (!Number.isInteger(begin[i]) || begin[i] < 0 || sz[i] < 0 || begin[i] + sz[i] > d) {
      throw new Error(`slice: begin ${fmt(begin)} size ${fmt(sz)} is out of bounds for ${fmt(x.shape)} on axis ${i}`);
    }
  });
  const strides = stridesOf(x.shape);
  const offset = begin.reduce((o, b, i) => o + b * strides[i], 0);
  const out = runKernel(x.engine, gatherKernel(sz, strides, offset), [x], sz, x.dtype);
  x.engine.record(out, [x], (dy) => [pad(dy, x.shape.map((d, i) => [begin[i], d - begin[i] - sz[i]] as [number, number]))]);
  return out;
}

/** Pads each axis with `[before, after]` copies of `value` (default 0). */
export function pad(x: Tensor, paddings: readonly (readonly [number, number])[], value = 0): Tensor {
  checkTensor(x, 'pad');
  if (paddings.length !== x.rank || paddings.some((p) => p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 0))) {
    throw new Error(`pad: paddings must be one [before, after] pair of non-negative integers per axis of ${fmt(x.shape)}, got ${JSON.stringify(paddings)}`);
  }
  const outShape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const out = runKernel(x.engine, padKernel(x.shape, paddings.map((p) => p[0]), outShape, value), [x], outShape, x.dtype);
  x.engine.record(out, [x], (dy) => [slice(dy, paddings.map((p) => p[0]), x.shape)]);
  return out;
}

/** Joins tensors along `axis`; all other axes must match. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!tensors || tensors.length === 0) throw new Error('concat: expected a non-empty array of tensors');
  tensors.forEach((t, i) => checkTensor(t, 'concat', `tensors[${i}]`));
  const first = tensors[0];
  const ax = normAxis(axis, first.rank, 'concat');
  for (const t of tensors) {
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      throw new Error(`concat: shapes ${fmt(first.shape)} and ${fmt(t.shape)} differ outside axis ${ax}`);
    }
  }
  if (tensors.length === 1) return reshape(first, first.shape);
  const outer = sizeOf(first.shape.slice(0, ax));
  const inner = sizeOf(first.shape.slice(ax + 1));
  let acc: Tensor = tensors[0];
  for (let k = 1; k < tensors.length; k++) {
    const b = tensors[k];
    const shape = acc.shape.map((d, i) => (i === ax ? d + b.shape[ax] : d));
    const next = runKernel(first.engine, concatKernel(outer, acc.shape[ax], b.shape[ax], inner), [acc, b], shape, resultDtype(acc, b));
    if (acc !== tensors[0]) acc.dispose();
    acc = next;
  }
  const offsets: number[] = [];
  tensors.reduce((o, t) => (offsets.push(o), o + t.shape[ax]), 0);
  first.engine.record(acc, tensors, (dy) =>
    tensors.map((t, k) => slice(dy, dy.shape.map((_, i) => (i === ax ? offsets[k] : 0)), t.shape)),
  );
  return acc;
}

/** Stacks same-shape tensors along a new axis. */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!tensors || tensors.length === 0) throw new Error('stack: expected a non-empty array of tensors');
  const ax = normAxis(axis, tensors[0].rank + 1, 'stack');
  const engine = tensors[0].engine;
  return engine.tidy(() => concat(tensors.map((t) => reshape(t, [...t.shape.slice(0, ax), 1, ...t.shape.slice(ax)])), ax));
}
