/**
 * The benchmark cases: matmul, LeNet conv2d forward and a 1M-element add, each with its
 * inputs, its float64 reference, and the op in tensor-gpu (NCHW) and tfjs (NHWC) form.
 *
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tg from '../src/index';
import { addRef, conv2dNchwRef, convFlops, convOut, matmulRef, permute4, uniformValues, type ConvShape } from './reference';

/** A group of cases printed as one table. */
export type CaseGroup = 'matmul' | 'conv2d' | 'add';

/** Host values of one input, with their shape. */
export interface HostInput {
  shape: number[];
  values: Float32Array;
}

/** One benchmark case. Inputs and references are built lazily and cached until `release()`. */
export interface BenchCase {
  group: CaseGroup;
  /** The size column of the table. */
  label: string;
  /** Work per call: FLOPs (matmul, conv2d) or bytes moved (add). */
  work: number;
  unit: 'GFLOP/s' | 'GB/s';
  /** Inputs in tensor-gpu's layout. */
  tgInputs(): HostInput[];
  /** Inputs in tfjs's layout. */
  tfInputs(): HostInput[];
  /** Float64 reference of the output in tensor-gpu's layout. */
  tgReference(): Float64Array;
  /** Float64 reference of the output in tfjs's layout. */
  tfReference(): Float64Array;
  /** The op on tensor-gpu tensors. */
  tgOp(t: typeof tg, xs: tg.Tensor[]): tg.Tensor;
  /** The op on tfjs tensors. */
  tfOp(t: typeof tf, xs: tf.Tensor[]): tf.Tensor;
  /** Drops the cached host arrays. */
  release(): void;
}

function lazy<T>(make: () => T): { get: () => T; clear: () => void } {
  let v: T | undefined;
  return { get: () => (v ??= make()), clear: () => { v = undefined; } };
}

/** `[m, n] x [n, p]`; 2·m·n·p FLOPs. Same layout in both libraries. */
export function matmulCase(label: string, m: number, n: number, p: number, seed: number): BenchCase {
  const inputs = lazy((): HostInput[] => [
    { shape: [m, n], values: uniformValues(m * n, seed) },
    { shape: [n, p], values: uniformValues(n * p, seed + 1) },
  ]);
  const ref = lazy(() => matmulRef(inputs.get()[0].values, inputs.get()[1].values, m, n, p));
  return {
    group: 'matmul',
    label,
    work: 2 * m * n * p,
    unit: 'GFLOP/s',
    tgInputs: inputs.get,
    tfInputs: inputs.get,
    tgReference: ref.get,
    tfReference: ref.get,
    tgOp: (t, [a, b]) => t.matmul(a, b),
    tfOp: (t, [a, b]) => t.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    release: () => { inputs.clear(); ref.clear(); },
  };
}

/**
 * Stride-1 conv2d with 'same' padding: tensor-gpu x NCHW and w `[O, C, k, k]`; tfjs x NHWC and
 * w `[k, k, C, O]` (HWIO), output NHWC. Both see the same values.
 */
export function convCase(label: string, g: ConvShape, seed: number): BenchCase {
  const [oh, ow] = convOut(g);
  const tgIn = lazy((): HostInput[] => [
    { shape: [g.n, g.c, g.h, g.w], values: uniformValues(g.n * g.c * g.h * g.w, seed) },
    { shape: [g.o, g.c, g.k, g.k], values: uniformValues(g.o * g.c * g.k * g.k, seed + 1) },
  ]);
  const tfIn = lazy((): HostInput[] => {
    const [x, w] = tgIn.get();
    return [
      { shape: [g.n, g.h, g.w, g.c], values: permute4(x.values, [g.n, g.c, g.h, g.w], [0, 2, 3, 1]) },
      { shape: [g.k, g.k, g.c, g.o], values: permute4(w.values, [g.o, g.c, g.k, g.k], [2, 3, 1, 0]) },
    ];
  });
  const tgRef = lazy(() => conv2dNchwRef(tgIn.get()[0].values, tgIn.get()[1].values, g));
  const tfRef = lazy(() => permute4(tgRef.get(), [g.n, g.o, oh, ow], [0, 2, 3, 1]));
  if (2 * g.pad !== g.k - 1) throw new Error(`convCase ${label}: padding ${g.pad} is not 'same' for a ${g.k}x${g.k} kernel`);
  return {
    group: 'conv2d',
    label,
    work: convFlops(g),
    unit: 'GFLOP/s',
    tgInputs: tgIn.get,
    tfInputs: tfIn.get,
    tgReference: tgRef.get,
    tfReference: tfRef.get,
    tgOp: (t, [x, w]) => t.conv2d(x, w, { padding: g.pad }),
    tfOp: (t, [x, w]) => t.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same', 'NHWC'),
    release: () => { tgIn.clear(); tfIn.clear(); tgRef.clear(); tfRef.clear(); },
  };
}

/** `a + b` of two n-element vectors; 3 × 4 bytes × n moved per call. */
export function addCase(label: string, n: number, seed: number): BenchCase {
  const inputs = lazy((): HostInput[] => [
    { shape: [n], values: uniformValues(n, seed) },
    { shape: [n], values: uniformValues(n, seed + 1) },
  ]);
  const ref = lazy(() => addRef(inputs.get()[0].values, inputs.get()[1].values));
  return {
    group: 'add',
    label,
    work: 3 * 4 * n,
    unit: 'GB/s',
    tgInputs: inputs.get,
    tfInputs: inputs.get,
    tgReference: ref.get,
    tfReference: ref.get,
    tgOp: (t, [a, b]) => t.add(a, b),
    tfOp: (t, [a, b]) => t.add(a, b),
    release: () => { inputs.clear(); ref.clear(); },
  };
}

/** LeNet's two convolutions, batch 32, 5×5 kernels, 'same' padding 2. */
export const LENET_CONV1: ConvShape = { n: 32, c: 1, h: 28, w: 28, o: 32, k: 5, pad: 2 };
export const LENET_CONV2: ConvShape = { n: 32, c: 32, h: 14, w: 14, o: 64, k: 5, pad: 2 };

/** Every case, in run order, by group. */
export function allCases(): Record<CaseGroup, BenchCase[]> {
  return {
    matmul: [
      matmulCase('128³', 128, 128, 128, 11),
      matmulCase('256³', 256, 256, 256, 21),
      matmulCase('512³', 512, 512, 512, 31),
      matmulCase('1024³', 1024, 1024, 1024, 41),
      matmulCase('64×784·784×256', 64, 784, 256, 51),
    ],
    conv2d: [
      convCase('32×28×28×1 → 5×5×32, same', LENET_CONV1, 61),
      convCase('32×14×14×32 → 5×5×64, same', LENET_CONV2, 71),
    ],
    add: [addCase('1M (10⁶) + 1M', 1_000_000, 81)],
  };
}
