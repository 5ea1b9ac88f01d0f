import type { KernelRegistry } from '../backend/kernel-registry';
import type { HostKernel } from '../backend/kernel-spec';
import { roundToFloat16 } from '../fp16/host';
import { narrowForBinary16Rounding } from '../fp16/narrow';
import { OPTIMIZER_HOST_LOOPS, type OptimizerKernelName } from '../optim/kernels';
import { ELEMENTWISE_BODIES, type ElementwiseOp, type ElementwiseParams } from './elementwise';
import { HostElementwise } from './host-elementwise';
import { hostGather } from './host-gather';
import { hostMatmul } from './host-matmul';
import { hostAvgPool, hostAvgPoolGrad, hostMaxPoolGrad } from './host-pool';
import { hostReduce } from './host-reduce';
import { hostSoftmax } from './host-softmax';
import type { HostKernels } from './host-kernels';
import type { GatherParams } from './layout';
import type { MatmulGeometry } from './matmul';
import type { PoolGeometry } from './pool';
import { SOFTMAX_OPS } from './softmax';

/**
 * Elementwise ops whose float32 result is one of the inputs, its negation or a constant: exact, so
 * the engine's fast float32 kernel followed by binary16 rounding is what rounding the gpu.js
 * source's float64 result gives.
 */
const EXACT_ELEMENTWISE: readonly ElementwiseOp[] = ['identity', 'relu', 'step', 'sign', 'neg', 'abs', 'isFinite', 'f16Underflow', 'f16Subnormal', 'f16Overflow', 'nonZero', 'equal', 'notEqual', 'greater', 'greaterEqual', 'less', 'lessEqual'];

/**
 * Elementwise ops that are one IEEE operation (+, −, ×, ÷, square root, max, min). On binary16
 * operands their float64 result rounded to float32 and then to binary16 equals the float64 result
 * rounded to binary16 directly: double rounding through a format of at least 2p + 2 bits (24 ≥
 * 2·11 + 2) is innocuous for these operations (Figueroa, "When is double rounding innocuous?",
 * 1995), and float64 → float32 likewise (53 ≥ 2·24 + 2). So the float32 kernels serve when every
 * operand, scalars included, is a binary16 value; a scalar such as 0.1 takes the float64 path.
 */
const SINGLE_OPERATION: readonly ElementwiseOp[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'sqrt', 'square', 'reciprocal'];

/**
 * The `cpu` backend's float16 primitives, bit for bit what the gpu.js sources with their float16
 * rounding compute there (float64 JavaScript arithmetic, the result rounded once to binary16):
 *
 * - ops whose float32 result is exact (selections, sign changes, comparisons, copies, max pooling
 *   and its gradient where windows do not overlap) and single operations on binary16 values (see
 *   `SINGLE_OPERATION`) run the engine's float32 kernel (WebAssembly SIMD by default) and round
 *   its output;
 * - the others run the float64 host loops that the float32 kernels are checked against (same
 *   expressions, same order of additions as the gpu.js sources) into float64 scratch, narrowed to
 *   float32 without losing which side of a binary16 tie a value lies on (see
 *   `narrowForBinary16Rounding`), then rounded like the first kind. Float32 arithmetic cannot
 *   stand in for them: a sum rounded to float32 first can land on a binary16 tie and round the
 *   other way.
 *
 * The rounding is the engine's (`HostKernels.roundFloat16`: WebAssembly SIMD or JavaScript).
 * Convolutions keep their gpu.js sources for float16: the host convolutions regroup each sum
 * (im2col, col2im, per-image weight-gradient parts), which float64 does not make exact.
 */
export class Float16HostKernels {
  private readonly loops = new HostElementwise();
  /** Float64 outputs of the host loops, reused from call to call. */
  private scratch = new Float64Array(0);

  /** `products`: the engine's float32 kernels, asked for on each call (the engine may swap them). */
  constructor(private readonly products: () => HostKernels) {}

  /** Registers every float16 implementation on `cpu` in `registry`. */
  register(registry: KernelRegistry): void {
    const float16 = { precision: 'float16' } as const;
    const elementwise: HostKernel<ElementwiseParams> = (inputs, out, scalars, params) => {
      const viaFloat32 = EXACT_ELEMENTWISE.includes(params.op) || (SINGLE_OPERATION.includes(params.op) && scalars.every(isBinary16));
      if (viaFloat32) this.viaFloat32(out, () => this.products().elementwise(inputs, out, scalars, params));
      else this.viaFloat64(out, (wide) => this.loops.run(inputs, wide, scalars, params));
    };
    for (const op of Object.keys(ELEMENTWISE_BODIES)) registry.register(op, 'cpu', elementwise, float16);
    const matmul: HostKernel<MatmulGeometry> = ([a, b], out, _, g) => this.viaFloat64(out, (wide) => hostMatmul(a, b, wide, g));
    registry.register('matmul', 'cpu', matmul, float16);
    // argmax and argmin return float32 indices, whatever the input.
    for (const op of ['sum', 'mean', 'max', 'min']) registry.register(op, 'cpu', this.float64(hostReduce), float16);
    for (const op of SOFTMAX_OPS) registry.register(op, 'cpu', this.float64(hostSoftmax), float16);
    const gather: HostKernel<GatherParams> = (inputs, out, scalars, params) => this.viaFloat32(out, () => hostGather(inputs, out, scalars, params));
    registry.register('gather', 'cpu', gather, float16);
    const maxPool2d: HostKernel<PoolGeometry> = ([x], out, _, g) => this.viaFloat32(out, () => this.products().maxPool2d(g, x, out));
    registry.register('maxPool2d', 'cpu', maxPool2d, float16);
    // Windows that do not overlap give each input at most one term: exact in float32.
    const maxPoolGradLoop = this.float64(hostMaxPoolGrad);
    const maxPool2dGrad: HostKernel<PoolGeometry> = (inputs, out, scalars, g) => {
      if (g.sh >= g.kh && g.sw >= g.kw) this.viaFloat32(out, () => this.products().maxPool2dGrad(g, inputs[0], inputs[1], out));
      else maxPoolGradLoop(inputs, out, scalars, g);
    };
    registry.register('maxPool2dGrad', 'cpu', maxPool2dGrad, float16);
    registry.register('avgPool2d', 'cpu', this.float64(hostAvgPool), float16);
    registry.register('avgPool2dGrad', 'cpu', this.float64(hostAvgPoolGrad), float16);
    const updates: OptimizerKernelName[] = ['sgd', 'sgdMomentum', 'optimAverage', 'optimSquaredAverage', 'adam'];
    for (const name of updates) registry.register(name, 'cpu', this.float64(OPTIMIZER_HOST_LOOPS[name]), float16);
  }

  /** `run` fills `out` with float32 results that round to binary16 as the float64 ones would, which are then rounded to binary16 in place. */
  private viaFloat32(out: Float32Array, run: () => void): void {
    run();
    this.products().roundFloat16(out, out);
  }

  /** The float16 form of a float64 host loop (see {@link viaFloat64}). */
  private float64<P>(loop: HostKernel<P>): HostKernel<P> {
    return (inputs, out, scalars, params) => this.viaFloat64(out, (wide) => loop(inputs, wide, scalars, params));
  }

  /**
   * Runs a host loop that computes each output in float64 and stores it once, with float64 storage
   * so that nothing is rounded yet, then rounds its results to binary16 into `out`.
   */
  private viaFloat64(out: Float32Array, run: (wide: Float32Array) => void): void {
    if (this.scratch.length < out.length) this.scratch = new Float64Array(out.length);
    const wide = this.scratch.subarray(0, out.length);
    wide.fill(0); // the loops expect zeros on entry, as in `out`
    // The loops only index `out`; typed as Float32Array, they run on a Float64Array alike.
    run(wide as unknown as Float32Array);
    narrowForBinary16Rounding(wide, out);
    this.products().roundFloat16(out, out);
  }
}

/** True for a number that binary16 holds exactly (NaN included). */
function isBinary16(x: number): boolean {
  return Object.is(roundToFloat16(x), x) || Number.isNaN(x);
}
