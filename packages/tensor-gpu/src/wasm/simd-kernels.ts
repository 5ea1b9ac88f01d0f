import type { ConvGeometry } from '../kernels/conv';
import type { ElementwiseParams } from '../kernels/elementwise';
import { HostElementwise } from '../kernels/host-elementwise';
import { hostMaxPool, hostMaxPoolGrad } from '../kernels/host-pool';
import { OPTIMIZER_HOST_LOOPS, type OptimizerKernelName } from '../optim/kernels';
import type { HostKernels } from '../kernels/host-kernels';
import type { MatmulGeometry } from '../kernels/matmul';
import type { PoolGeometry } from '../kernels/pool';
import { simdConv2d, simdConv2dInputGrad, simdConv2dWeightGrad } from './simd-conv';
import { roundFloat32ArrayToFloat16 } from '../fp16/host';
import { simdElementwise } from './simd-elementwise';
import { simdRoundFloat16 } from './simd-fp16';
import { simdSoftmax } from './simd-softmax';
import { hostSoftmax } from '../kernels/host-softmax';
import { hostReduce } from '../kernels/host-reduce';
import type { ReduceParams } from '../kernels/reduce';
import { simdReduce } from './simd-reduce';
import type { SoftmaxParams } from '../kernels/softmax';
import { simdMaxPool, simdMaxPoolGrad } from './simd-pool';
import { simdOptimizerUpdate } from './simd-optim';
import { SimdInstance } from './simd-instance';
import type { WasmHeap } from './wasm-heap';

/**
 * The `cpu` backend's products, max pooling, elementwise ops, softmax, reductions, binary16
 * rounding and optimizer updates in WebAssembly with 128-bit SIMD: one module instance over a heap (see
 * {@link WasmHeap}). Operands that live in that heap (the cpu backend's tensors, where the heap is
 * a shared memory) are read and written in place by byte offset; other arrays are copied into
 * scratch and the result out, per call (a matmul per batch entry). The memory-bound kernels are
 * bit-identical to the JavaScript loops (the transcendentals within 1 float32 ulp), which they hand
 * very large calls of copied operands to. Scratch (packed panels, columns) is one block of the
 * heap, reused from call to call.
 *
 * Each product output is summed in float32 over k in order with a separate multiply and add, the
 * order of the gpu.js kernel source; the convolution weight gradient continues that sum across
 * the images of the batch. The plain-JavaScript kernels (`'js'`) sum each product in float64 and
 * round once, so the two differ by float32 rounding (well inside the tests' float32 tolerance).
 */
export class WasmSimdKernels implements HostKernels {
  readonly name = 'wasm-simd';
  private readonly simd: SimdInstance;
  /** The JavaScript loops of the elementwise ops without a WebAssembly version. */
  private readonly loops = new HostElementwise();

  /** Runs on `instance` (default: a new single-threaded one). */
  constructor(instance: SimdInstance = new SimdInstance()) {
    this.simd = instance;
  }

  /** Threads that run the large products (1 unless worker threads were attached). */
  get threads(): number {
    return this.simd.threads;
  }

  /** Bytes of the WebAssembly memory this instance runs on (0 once its own memory is released). */
  get heapBytes(): number {
    return this.simd.heap.bytes;
  }

  matmul(a: Float32Array, b: Float32Array, out: Float32Array, g: MatmulGeometry): void {
    checkProduct(a, b, out, g);
    const { batch, m, n, p } = g;
    if (batch * m * p === 0) return;
    if (n === 0) {
      out.fill(0, 0, batch * m * p);
      return;
    }
    const s = this.simd;
    // Operands in the heap are read in place (each batch entry at its offset); others are copied
    // into scratch per batch entry (a shared operand, batch stride 0, once per call).
    const heap = s.heap;
    const [aHome, bHome, cHome] = [a, b, out].map((x) => heap.offsetOf(x));
    const [aAt, bAt, cAt] = s.layout(p, [aHome < 0 ? m * n : 0, bHome < 0 ? n * p : 0, cHome < 0 ? m * p : 0]);
    for (let bi = 0; bi < batch; bi++) {
      const aFirst = bi * g.aBatchStride;
      const bFirst = bi * g.bBatchStride;
      if (aHome < 0 && (bi === 0 || g.aBatchStride !== 0)) s.write(a.subarray(aFirst, aFirst + m * n), aAt);
      if (bHome < 0 && (bi === 0 || g.bBatchStride !== 0)) s.write(b.subarray(bFirst, bFirst + n * p), bAt);
      const cFirst = bi * m * p;
      s.gemm(aHome < 0 ? aAt : aHome + 4 * aFirst, bHome < 0 ? bAt : bHome + 4 * bFirst, cHome < 0 ? cAt : cHome + 4 * cFirst, m, n, p, g.transposeA, g.transposeB);
      if (cHome < 0) s.read(cAt, out.subarray(cFirst, cFirst + m * p));
    }
  }

  conv2d(g: ConvGeometry, x: Float32Array, w: Float32Array, out: Float32Array): void {
    simdConv2d(this.simd, g, x, w, out);
  }

  conv2dInputGrad(g: ConvGeometry, dy: Float32Array, w: Float32Array, out: Float32Array): void {
    simdConv2dInputGrad(this.simd, g, dy, w, out);
  }

  conv2dWeightGrad(g: ConvGeometry, dy: Float32Array, x: Float32Array, out: Float32Array): void {
    simdConv2dWeightGrad(this.simd, g, dy, x, out);
  }

  maxPool2d(g: PoolGeometry, x: Float32Array, out: Float32Array): void {
    if (this.streams([x, out])) simdMaxPool(this.simd, g, x, out);
    else hostMaxPool([x], out, [], g);
  }

  maxPool2dGrad(g: PoolGeometry, x: Float32Array, dy: Float32Array, out: Float32Array): void {
    // Overlapping windows also need float64 scratch of twice the output's size.
    if (this.streams([x, dy, out], 2 * out.byteLength)) simdMaxPoolGrad(this.simd, g, x, dy, out);
    else hostMaxPoolGrad([x, dy], out, [], g);
  }

  elementwise(inputs: readonly Float32Array[], out: Float32Array, scalars: readonly number[], params: ElementwiseParams): void {
    if (this.streams([...inputs, out])) simdElementwise(this.simd, this.loops, inputs, out, scalars, params);
    else this.loops.run(inputs, out, scalars, params);
  }

  optimizerUpdate(name: OptimizerKernelName, inputs: readonly Float32Array[], out: Float32Array, scalars: readonly number[]): void {
    if (this.streams([...inputs, out])) simdOptimizerUpdate(this.simd, name, inputs, out, scalars);
    else OPTIMIZER_HOST_LOOPS[name](inputs, out, scalars, undefined);
  }

  roundFloat16(x: Float32Array, out: Float32Array): void {
    if (x.length >= MIN_SIMD_ROUNDING && this.streams([x, out])) simdRoundFloat16(this.simd, x, out);
    else roundFloat32ArrayToFloat16(x, out);
  }

  softmax(inputs: readonly Float32Array[], out: Float32Array, params: SoftmaxParams): void {
    if (params.rows * params.cols >= MIN_SIMD_SOFTMAX && this.streams([...inputs, out])) simdSoftmax(this.simd, inputs, out, params);
    else hostSoftmax(inputs, out, [], params);
  }

  reduce(x: Float32Array, out: Float32Array, params: ReduceParams): void {
    if ((params.lead ?? 1) * params.outer * params.reduce * params.inner > MAX_LOOP_REDUCE && this.streams([x, out])) simdReduce(this.simd, x, out, params);
    else hostReduce([x], out, [], params);
  }

  dispose(): void {
    this.simd.release();
  }

  /** True when the arrays that must be copied (those outside the heap) and `scratchBytes` together fit {@link MAX_STREAMED_BYTES}. */
  private streams(arrays: readonly Float32Array[], scratchBytes = 0): boolean {
    let bytes = scratchBytes;
    for (const a of arrays) if (this.simd.heap.offsetOf(a) < 0) bytes += a.byteLength;
    return bytes <= MAX_STREAMED_BYTES;
  }
}

/** Below this many values binary16 rounding runs its JavaScript loop, faster than copying them in and out. */
const MIN_SIMD_ROUNDING = 1024;
/** Below this many values the softmax primitives run their JavaScript loops. */
const MIN_SIMD_SOFTMAX = 1024;
/** Reductions of this many values or fewer run their JavaScript loop: the call into WebAssembly costs as much (about 0.6 µs). */
const MAX_LOOP_REDUCE = 256;

/**
 * Bytes to copy beyond which a memory-bound kernel (elementwise, pooling, optimizer update) runs its
 * bit-identical JavaScript loop instead of copying its arrays through the WebAssembly memory: the
 * copies would cost more than the SIMD saves, and a shared memory (worker threads) ends at 4 GiB.
 */
const MAX_STREAMED_BYTES = 256 * 1024 * 1024;

/** Throws, naming the argument, when the arrays cannot hold what the geometry describes. */
function checkProduct(a: Float32Array, b: Float32Array, out: Float32Array, g: MatmulGeometry): void {
  for (const key of ['batch', 'm', 'n', 'p', 'aBatchStride', 'bBatchStride'] as const) {
    const v = g[key];
    if (!Number.isInteger(v) || v < 0) throw new Error(`matmul (wasm-simd): geometry.${key} must be a non-negative integer, got ${v}`);
  }
  const need = (stride: number, size: number) => (g.batch === 0 ? 0 : (g.batch - 1) * stride + size);
  const arrays: [string, Float32Array, number][] = [
    ['a', a, need(g.aBatchStride, g.m * g.n)],
    ['b', b, need(g.bBatchStride, g.n * g.p)],
    ['out', out, g.batch * g.m * g.p],
  ];
  for (const [name, array, length] of arrays) {
    if (!(array instanceof Float32Array)) throw new Error(`matmul (wasm-simd): ${name} must be a Float32Array`);
    if (array.length < length) throw new Error(`matmul (wasm-simd): ${name} holds ${array.length} values, the geometry needs ${length}`);
  }
}
