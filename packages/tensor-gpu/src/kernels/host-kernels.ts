import { roundFloat32ArrayToFloat16 } from '../fp16/host';
import { OPTIMIZER_HOST_LOOPS, type OptimizerKernelName } from '../optim/kernels';
import type { ConvGeometry } from './conv';
import type { ElementwiseParams } from './elementwise';
import { HostElementwise } from './host-elementwise';
import { hostConv2d, hostConv2dInputGrad, hostConv2dWeightGrad } from './host-conv';
import { hostMatmul } from './host-matmul';
import { hostMaxPool, hostMaxPoolGrad } from './host-pool';
import { hostReduce } from './host-reduce';
import { hostSoftmax } from './host-softmax';
import type { MatmulGeometry } from './matmul';
import type { PoolGeometry } from './pool';
import type { ReduceParams } from './reduce';
import type { SoftmaxParams } from './softmax';

/**
 * Which implementation runs the `cpu` backend's matrix products, convolutions, max pooling,
 * elementwise ops, softmax, reductions and optimizer updates: `'wasm-simd'`,
 * WebAssembly with 128-bit SIMD (the default), or `'js'`, the plain JavaScript loops, kept as the
 * reference and for engines without WebAssembly SIMD.
 */
export type CpuKernels = 'wasm-simd' | 'js';

/**
 * The products, max pooling, elementwise ops, softmax, reductions and optimizer updates behind the `cpu` backend's registry entries. An engine owns one
 * and disposes it. Each method fills `out` (zeros on entry) as the gpu.js kernel of the same
 * primitive would.
 */
export interface HostKernels {
  /** Which implementation this is. */
  readonly name: CpuKernels;
  /** Threads its products run on (the calling thread included). */
  readonly threads: number;
  /** Batched `out = op(A)·op(B)` as `g` describes; `out` holds `batch·m·p` values. */
  matmul(a: Float32Array, b: Float32Array, out: Float32Array, g: MatmulGeometry): void;
  /** Convolution forward: `out` = y of geometry `g` from input `x` and weights `w`. */
  conv2d(g: ConvGeometry, x: Float32Array, w: Float32Array, out: Float32Array): void;
  /** Gradient of the convolution's input from the output gradient `dy` and the weights `w`. */
  conv2dInputGrad(g: ConvGeometry, dy: Float32Array, w: Float32Array, out: Float32Array): void;
  /** Gradient of the convolution's weights from the output gradient `dy` and the input `x`. */
  conv2dWeightGrad(g: ConvGeometry, dy: Float32Array, x: Float32Array, out: Float32Array): void;
  /** Max pooling forward into `out`. */
  maxPool2d(g: PoolGeometry, x: Float32Array, out: Float32Array): void;
  /** Max pooling gradient into `out` (the input's shape) from the input `x` and the output gradient `dy`. */
  maxPool2dGrad(g: PoolGeometry, x: Float32Array, dy: Float32Array, out: Float32Array): void;
  /**
   * An elementwise primitive (kernels/elementwise.ts), bit-identical to its gpu.js source on the
   * cpu backend, except exp, log, tanh and sigmoid in WebAssembly (within 1 float32 ulp, see
   * assembly/transcendental.ts).
   */
  elementwise(inputs: readonly Float32Array[], out: Float32Array, scalars: readonly number[], params: ElementwiseParams): void;
  /** A fused optimizer update (src/optim/kernels.ts): its tensor inputs and scalars in argument order. */
  optimizerUpdate(name: OptimizerKernelName, inputs: readonly Float32Array[], out: Float32Array, scalars: readonly number[]): void;
  /** `x` rounded to binary16 into `out`, bit for bit `roundFloat32ArrayToFloat16` (fp16/host.ts). */
  roundFloat16(x: Float32Array, out: Float32Array): void;
  /** A row-wise softmax primitive (kernels/softmax.ts): the logits, or `dy` and the forward output. */
  softmax(inputs: readonly Float32Array[], out: Float32Array, params: SoftmaxParams): void;
  /**
   * A reduction (kernels/reduce.ts) of `x`, viewed as `[outer, reduce, inner]`, over its middle axis.
   * max, min, argmax and argmin are bit-identical to the gpu.js source; sum and mean add in another
   * order in WebAssembly (see assembly/reduce.ts).
   */
  reduce(x: Float32Array, out: Float32Array, params: ReduceParams): void;
  /** Releases what the implementation holds (its WebAssembly memory); later calls throw. */
  dispose(): void;
}

/** The plain-JavaScript kernels: float64 accumulation per output, rounded once to float32. */
export class JsHostKernels implements HostKernels {
  readonly name = 'js';
  readonly threads = 1;
  private readonly loops = new HostElementwise();

  matmul(a: Float32Array, b: Float32Array, out: Float32Array, g: MatmulGeometry): void {
    hostMatmul(a, b, out, g);
  }

  conv2d(g: ConvGeometry, x: Float32Array, w: Float32Array, out: Float32Array): void {
    hostConv2d(this, g, x, w, out);
  }

  conv2dInputGrad(g: ConvGeometry, dy: Float32Array, w: Float32Array, out: Float32Array): void {
    hostConv2dInputGrad(this, g, dy, w, out);
  }

  conv2dWeightGrad(g: ConvGeometry, dy: Float32Array, x: Float32Array, out: Float32Array): void {
    hostConv2dWeightGrad(this, g, dy, x, out);
  }

  maxPool2d(g: PoolGeometry, x: Float32Array, out: Float32Array): void {
    hostMaxPool([x], out, [], g);
  }

  maxPool2dGrad(g: PoolGeometry, x: Float32Array, dy: Float32Array, out: Float32Array): void {
    hostMaxPoolGrad([x, dy], out, [], g);
  }

  elementwise(inputs: readonly Float32Array[], out: Float32Array, scalars: readonly number[], params: ElementwiseParams): void {
    this.loops.run(inputs, out, scalars, params);
  }

  optimizerUpdate(name: OptimizerKernelName, inputs: readonly Float32Array[], out: Float32Array, scalars: readonly number[]): void {
    OPTIMIZER_HOST_LOOPS[name](inputs, out, scalars, undefined);
  }

  roundFloat16(x: Float32Array, out: Float32Array): void {
    roundFloat32ArrayToFloat16(x, out);
  }

  softmax(inputs: readonly Float32Array[], out: Float32Array, params: SoftmaxParams): void {
    hostSoftmax(inputs, out, [], params);
  }

  reduce(x: Float32Array, out: Float32Array, params: ReduceParams): void {
    hostReduce([x], out, [], params);
  }

  dispose(): void {
    // Holds nothing beyond garbage-collected arrays.
  }
}
