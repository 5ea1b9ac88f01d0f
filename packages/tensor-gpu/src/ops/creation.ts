import { isDType, type DType } from '../dtype';
import type { Engine } from '../engine';
import { checkShape, fmt, sizeOf, type Shape } from '../shape';
import type { Tensor } from '../tensor';
import { normalSamples, uniformSamples } from '../random';
import { roundFloat32ArrayToFloat16 } from '../fp16/host';

/** Values accepted by `tensor()`: a number, nested arrays of numbers, or a typed array. */
export type TensorLike = number | readonly TensorLike[] | Float32Array | Float64Array | Int32Array | Uint8Array;

function inferShape(values: TensorLike): number[] {
  const shape: number[] = [];
  let v: any = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  if (ArrayBuffer.isView(v)) shape.push((v as Float32Array).length);
  return shape;
}

function flatten(values: TensorLike, out: number[]): void {
  if (typeof values === 'number') out.push(values);
  else if (ArrayBuffer.isView(values)) for (const x of values as Float32Array) out.push(x);
  else for (const v of values as readonly TensorLike[]) flatten(v, out);
}

/** Creates a tensor from values on the current backend; `shape` defaults to the nesting of `values`. */
export function tensor(engine: Engine, values: TensorLike, shape?: Shape, dtype: DType = 'float32'): Tensor {
  if (!isDType(dtype)) throw new Error(`tensor: dtype must be 'float32' or 'float16', got ${JSON.stringify(dtype)}`);
  let flat: Float32Array;
  if (values instanceof Float32Array) flat = values;
  else if (ArrayBuffer.isView(values)) flat = Float32Array.from(values as ArrayLike<number>);
  else if (typeof values === 'number' || Array.isArray(values)) {
    const list: number[] = [];
    flatten(values, list);
    flat = Float32Array.from(list);
  } else {
    throw new Error(`tensor: values must be a number, nested arrays of numbers or a typed array, got ${typeof values}`);
  }
  const inferred = typeof values === 'number' ? [] : inferShape(values);
  const finalShape = shape ?? inferred;
  checkShape(finalShape, 'tensor');
  if (sizeOf(finalShape) !== flat.length) {
    throw new Error(`tensor: shape ${fmt(finalShape)} needs ${sizeOf(finalShape)} values, got ${flat.length}`);
  }
  if (shape === undefined && Array.isArray(values) && flat.length !== sizeOf(inferred)) {
    throw new Error('tensor: nested arrays are ragged; every row must have the same length');
  }
  return fromHost(engine, flat, finalShape, dtype);
}

/** Uploads host values (length must match the shape) as a new tensor. */
export function fromHost(engine: Engine, flat: Float32Array, shape: Shape, dtype: DType = 'float32'): Tensor {
  const device = engine.currentDevice();
  const values = dtype === 'float16' ? roundFloat32ArrayToFloat16(flat) : flat;
  return engine.makeTensor(shape, dtype, flat.length === 0 ? null : device.upload(values));
}

/** A tensor of the given shape filled with `value`. */
export function full(engine: Engine, shape: Shape, value: number, dtype: DType = 'float32'): Tensor {
  checkShape(shape, 'full');
  if (typeof value !== 'number') throw new Error(`full: value must be a number, got ${typeof value}`);
  return fromHost(engine, new Float32Array(sizeOf(shape)).fill(value), shape, dtype);
}

/** Options of the random creation functions. */
export interface RandomOptions {
  /** Seed of the generator: the same seed gives the same values on every backend. */
  seed?: number;
  /** Element type (default float32). */
  dtype?: DType;
}

/** Normally distributed values (mean 0, std 1 unless given), reproducible from `seed`. */
export function randn(engine: Engine, shape: Shape, options: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  checkShape(shape, 'randn');
  const values = normalSamples(sizeOf(shape), options.seed ?? engine.nextRandomSeed(), options.mean ?? 0, options.std ?? 1);
  return fromHost(engine, values, shape, options.dtype);
}

/** Uniform values in `[low, high)` (default `[0, 1)`), reproducible from `seed`. */
export function rand(engine: Engine, shape: Shape, options: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  checkShape(shape, 'rand');
  const values = uniformSamples(sizeOf(shape), options.seed ?? engine.nextRandomSeed(), options.low ?? 0, options.high ?? 1);
  return fromHost(engine, values, shape, options.dtype);
}
