/**
 * Tensors on gpu.js with reverse-mode autodiff. Layouts follow PyTorch (NCHW images,
 * `[out, in]` linear weights). Ops return tensors synchronously and keep values on the device;
 * `await x.data()` reads them back.
 *
 * @packageDocumentation
 */
import type { RegisterKernelOptions } from './backend/kernel-registry';
import type { HostKernel } from './backend/kernel-spec';
import type { BackendName, BackendRequest } from './backend/names';
import { defaultEngine } from './default-engine';
import type { DType } from './dtype';
import type { BackendOptions, MemoryInfo } from './engine';
import type { CpuKernels } from './kernels/host-kernels';
import * as creation from './ops/creation';
import type { RandomOptions, TensorLike } from './ops/creation';
import type { Shape } from './shape';
import type { Tensor } from './tensor';
import type { WgslKernel } from './webgpu/wgsl-kernel';

export { Tensor } from './tensor';
export type { NestedArray } from './tensor';
export { Engine } from './engine';
export type { BackendOptions, MemoryInfo } from './engine';
export type { CpuKernels, HostKernels } from './kernels/host-kernels';
export type { MatmulGeometry } from './kernels/matmul';
export type { ConvGeometry } from './kernels/conv';
export type { PoolGeometry } from './kernels/pool';
export type { SoftmaxOp, SoftmaxParams } from './kernels/softmax';
export { ELEMENTWISE_BODIES, type ElementwiseOp, type ElementwiseParams } from './kernels/elementwise';
export type { OptimizerKernelName } from './optim/kernels';
export { isWasmSimdAvailable } from './wasm/kernels-module';
export { setNumThreads } from './wasm/set-num-threads';
export { defaultEngine } from './default-engine';
export type { BackendName, BackendRequest } from './backend/names';
export { BACKEND_NAMES } from './backend/names';
export type { KernelSpec, HostKernel, OutputPrecision } from './backend/kernel-spec';
export { KernelRegistry, HOST_RESIDENT_BACKENDS } from './backend/kernel-registry';
export type { RegisterKernelOptions } from './backend/kernel-registry';
export { runKernel } from './ops/custom-kernel';
export type { WgslKernel, WgslProgram } from './webgpu/wgsl-kernel';
export type { GpuLike } from './webgpu/gpu-like';
export type { WebGpuCounters } from './webgpu/webgpu-device';
export { availableBackends, isBackendAvailable } from './backend/availability';
export type { DType } from './dtype';
export type { Shape } from './shape';
export type { TensorLike, RandomOptions } from './ops/creation';
export type { TensorOrNumber } from './ops/elementwise';
export type { Axes } from './ops/reduce';
export type { MatmulOptions } from './ops/matmul';

export {
  neg, exp, log, sqrt, abs, relu, sigmoid, tanh, square, reciprocal, sign, floor, step, isFinite,
  add, sub, mul, div, maximum, minimum, pow, equal, notEqual, greater, greaterEqual, less, lessEqual, where,
} from './ops/elementwise';
export { sum, mean, max, min, argmax, argmin } from './ops/reduce';
export { matmul, bmm } from './ops/matmul';
export { reshape, transpose, slice, pad, concat, stack } from './ops/layout';
export { broadcastTo } from './ops/broadcast';
export { softmax, logSoftmax, crossEntropy } from './ops/softmax';
export { conv2d, maxPool2d, avgPool2d } from './ops/conv';
export { packedLinear, packedConv2d, packedCrossEntropy } from './ops/packed';
export type { Conv2dOptions, Pool2dOptions, Pair } from './ops/conv-geometry';
export { conv2dInputGrad, conv2dWeightGrad, maxPool2dGrad, avgPool2dGrad } from './ops/conv-grads';
export { valueAndGrad, grad, customGrad } from './autodiff/grad';
export { detach, isRecorded } from './autodiff/detach';
export type { GradsOf, ValueAndGrads, CustomGradContext } from './autodiff/grad';
export { roundToFloat16, toFloat16Bits, fromFloat16Bits, roundFloat32ArrayToFloat16 } from './fp16/host';
export { assertFinite } from './ops/checks';
export { cast } from './ops/cast';
export { float16Stats, float16StatCounts, float16StatsFromCounts } from './fp16/stats';
export type { Float16Stats } from './fp16/stats';
export type { Accumulation } from './fp16/accumulation';
export {
  FLOAT16_MAX, FLOAT16_OVERFLOW_LIMIT, FLOAT16_FLUSH_LIMIT, FLOAT16_MIN_SUBNORMAL, FLOAT16_MIN_NORMAL, FLOAT16_SUBNORMAL_LIMIT,
} from './fp16/limits';
export { expectNoLeaks } from './testing/leaks';
export * as data from './data/index';
export * as nn from './nn/index';
export * as optim from './optim/index';
export * as train from './train/index';

/**
 * Selects the backend that runs kernels and resolves to its name. `'auto'` takes the best one
 * available here (the first of {@link availableBackends}); a named backend that is not available
 * rejects with a message saying what it needs. Before the first call, ops run on `cpu`.
 * `options.cpuKernels` picks the `cpu` backend's products: `'wasm-simd'` (default) or `'js'`.
 *
 * Tensors stay on the backend that made them: an op given a tensor of another backend throws, so
 * choose the backend first, or copy values across with `tensor(await x.data(), x.shape)`.
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 *
 * const backend = await t.setBackend('auto'); // the best backend this runtime offers
 * console.log(backend === t.getBackend()); // → true
 * await t.setBackend('cpu'); // plain CPU, with WebAssembly SIMD matrix products
 * ```
 */
export function setBackend(name: BackendRequest, options?: BackendOptions): Promise<BackendName> {
  return defaultEngine.setBackend(name, options);
}

/** The `cpu` backend's product kernels, `'wasm-simd'` or `'js'` (null until the cpu backend is used). */
export function getCpuKernels(): CpuKernels | null {
  return defaultEngine.getCpuKernels();
}

/**
 * Threads the `cpu` backend's WebAssembly products run on (the calling thread included; 1 for the
 * JavaScript kernels). Set with `setNumThreads` or `setBackend('cpu', { threads })`; the default is
 * the available cores in Node and in a cross-origin isolated browser page, 1 in a page that is not.
 */
export function getCpuThreads(): number {
  return defaultEngine.getCpuThreads();
}

/** The backend that actually runs kernels now (null before the first `setBackend`). */
export function getBackend(): BackendName | null {
  return defaultEngine.getBackend();
}

/**
 * Creates a tensor from a number, nested arrays or a typed array. Without `shape`, nested arrays
give it (a flat array or typed array is 1-D); with `shape`, the values fill it in row-major order.
`dtype` is `'float32'` (default) or `'float16'`, emulated: values are rounded to binary16.
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 *
 * const x = t.tensor([[1, 2, 3], [4, 5, 6]]); // shape inferred from the nesting
 * console.log(x.shape, x.dtype); // → [ 2, 3 ] float32
 * const y = t.tensor(new Float32Array([1, 2, 3, 4]), [2, 2]); // flat values and a shape
 * console.log(await y.array()); // → [ [ 1, 2 ], [ 3, 4 ] ]
 * const h = t.tensor([0.1, 1e-8], [2], 'float16'); // emulated half precision: values are rounded
 * console.log(await h.data()); // → Float32Array(2) [ 0.0999755859375, 0 ]
 * ```
 */
export function tensor(values: TensorLike, shape?: Shape, dtype?: DType): Tensor {
  return creation.tensor(defaultEngine, values, shape, dtype);
}

/** A scalar tensor. */
export function scalar(value: number, dtype?: DType): Tensor {
  return creation.tensor(defaultEngine, value, [], dtype);
}

/**
 * A tensor of zeros.
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 *
 * const z = t.zeros([2, 3]);
 * console.log(z.size, await z.data()); // → 6 Float32Array(6) [ 0, 0, 0, 0, 0, 0 ]
 * ```
 */
export function zeros(shape: Shape, dtype?: DType): Tensor {
  return creation.full(defaultEngine, shape, 0, dtype);
}

/** A tensor of ones. */
export function ones(shape: Shape, dtype?: DType): Tensor {
  return creation.full(defaultEngine, shape, 1, dtype);
}

/** A tensor filled with `value`. */
export function full(shape: Shape, value: number, dtype?: DType): Tensor {
  return creation.full(defaultEngine, shape, value, dtype);
}

/**
 * Standard normal values (or `mean`, `std`), reproducible from `seed` on every backend.
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 *
 * const a = t.randn([2, 2], { seed: 42 });
 * const b = t.randn([2, 2], { seed: 42 }); // same seed, same values, on every backend
 * const [va, vb] = [await a.data(), await b.data()];
 * console.log(va.every((v, i) => v === vb[i])); // → true
 * const w = t.randn([64, 32], { seed: 1, std: 0.05 }); // a weight-like initialisation
 * ```
 */
export function randn(shape: Shape, options?: RandomOptions & { mean?: number; std?: number }): Tensor {
  return creation.randn(defaultEngine, shape, options);
}

/** Uniform values in `[low, high)` (default `[0, 1)`), reproducible from `seed` on every backend. */
export function rand(shape: Shape, options?: RandomOptions & { low?: number; high?: number }): Tensor {
  return creation.rand(defaultEngine, shape, options);
}

/**
 * Runs `fn` and frees every tensor created while it runs, except the ones it returns (a tensor,
or tensors inside a returned array or plain object, up to four levels deep) and those passed
to {@link keep}. Tensors that existed before the call are never touched.

Scopes nest: the tensors an inner `tidy` returns belong to the enclosing scope, which frees them
in turn unless it returns them too. Tensors a recorded gradient computation still needs (inside
{@link valueAndGrad}) are handed to the enclosing scope instead of being freed.

`fn` must be synchronous: a function that returns a Promise is rejected with an error (its
tensors are freed first), because the scope would close before the awaited work ran. Compute
inside `tidy`, then `await x.data()` outside it. An exception thrown by `fn` frees the scope's
tensors and propagates.
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 *
 * const w = t.tensor([1, 2, 2]);
 * const before = t.memory().numTensors;
 * const norm = t.tidy(() => t.sqrt(t.sum(t.mul(w, w)))); // the products and the sum are freed
 * console.log(t.memory().numTensors - before); // → 1
 * console.log(await norm.data()); // → Float32Array(1) [ 3 ]
 *
 * // keep() lets an intermediate outlive every scope; values are read after tidy returns.
 * const scaled = t.tidy(() => {
 *   const kept = t.keep(t.mul(w, 2)); // survives this scope and every enclosing one
 *   return { sum: t.sum(kept), kept };
 * });
 * console.log(await scaled.sum.data()); // → Float32Array(1) [ 10 ]
 * t.dispose([norm, scaled.sum, scaled.kept]);
 * ```
 */
export function tidy<T>(fn: () => T): T {
  return defaultEngine.tidy(fn);
}

/** Keeps a tensor alive past the enclosing `tidy` scopes. */
export function keep<T extends Tensor>(t: T): T {
  return defaultEngine.keep(t);
}

/** Disposes a tensor, or every tensor in an array or plain object. */
export function dispose(value: Tensor | readonly Tensor[] | Record<string, Tensor>): void {
  const list = Array.isArray(value) ? value : 'dispose' in value && typeof value.dispose === 'function' ? [value as Tensor] : Object.values(value);
  for (const t of list as Tensor[]) t.dispose();
}

/**
 * Live tensors, device bytes and buffers, and kernels compiled on the current backend.
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 *
 * const x = t.ones([256, 256]);
 * const { numTensors, numBytes } = t.memory();
 * console.log(numTensors >= 1, numBytes >= 256 * 256 * 4); // → true true
 * x.dispose();
 * ```
 */
export function memory(): MemoryInfo {
  return defaultEngine.memory();
}

/** Runs `fn` without recording gradients. */
export function noGrad<T>(fn: () => T): T {
  return defaultEngine.noGrad(fn);
}

/**
 * Registers `run` as the implementation of the kernel named `name` on `backend` (today `cpu` or
 * `webasm`, where tensors live in host memory); `runKernel` with a spec of that name then runs it
 * there instead of the spec's gpu.js source. This is how a package gives its own kernel a faster
 * path, and how tensor-gpu's primitives get theirs (see `KernelRegistry`).
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 *
 * const x = t.tensor([1, 2, 3]);
 * const spec: t.KernelSpec = { name: 'myDouble', source: 'function (a) { return 2 * a[this.thread.x]; }', outSize: x.size };
 * t.registerKernel('myDouble', 'cpu', ([a], out) => {
 *   for (let i = 0; i < out.length; i++) out[i] = 2 * a[i];
 * });
 * await t.setBackend('cpu');
 * console.log(await t.runKernel(spec, [x], x.shape).data()); // → Float32Array(3) [ 2, 4, 6 ]
 * ```
 */
export function registerKernel<P>(name: string, backend: BackendName, run: HostKernel<P>, options?: RegisterKernelOptions): void {
  defaultEngine.kernels.register(name, backend, run, options);
}

/**
 * Registers `kernel` as the WebGPU implementation of the kernel named `name`: on the `webgpu`
 * backend `runKernel` with a spec of that name dispatches the WGSL program it returns instead of
 * the spec's gpu.js source (which otherwise runs there translated to WGSL). Bindings: 0 the
 * `params` uniform, 1..n the tensor inputs, n+1 the output (see `WgslProgram`).
 */
export function registerWgslKernel<P>(name: string, kernel: WgslKernel<P>, options?: RegisterKernelOptions): void {
  defaultEngine.kernels.registerWgsl(name, kernel, options);
}
