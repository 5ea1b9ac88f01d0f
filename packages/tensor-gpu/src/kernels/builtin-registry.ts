import { KernelRegistry } from '../backend/kernel-registry';
import type { HostKernel } from '../backend/kernel-spec';
import type { OptimizerKernelName } from '../optim/kernels';
import { packedBufferHost, packedStepHost } from '../optim/packed-sgd-host';
import type { ConvGeometry } from './conv';
import { ELEMENTWISE_BODIES } from './elementwise';
import { Float16HostKernels } from './float16-host';
import type { ElementwiseParams } from './elementwise';
import { hostGather } from './host-gather';
import { hostAvgPool, hostAvgPoolGrad } from './host-pool';
import type { HostKernels } from './host-kernels';
import type { MatmulGeometry } from './matmul';
import type { PoolGeometry } from './pool';
import { REDUCE_OPS, type ReduceParams } from './reduce';
import { SOFTMAX_OPS, type SoftmaxParams } from './softmax';
import { registerBuiltinWgslKernels } from '../webgpu/builtin-wgsl';

/**
 * The one place that says which primitive runs what on which backend. Every primitive runs its
 * gpu.js source unless a line here names another implementation for the current backend. To add
 * one: write it as a {@link HostKernel} in its own file and add a line here; the kernel's `params`
 * carry what it needs beyond its inputs. On `cpu`, the products (matmul and the convolutions), max
 * pooling, the elementwise ops, the softmax primitives, the reductions, binary16 rounding and the optimizer updates run `products()`: the engine's WebAssembly SIMD or JavaScript kernels,
 * whichever it was told to use. Float16 results of these primitives (convolutions excepted) have
 * host implementations of their own, bit-identical to the gpu.js sources (see `Float16HostKernels`).
 */
export function builtinKernelRegistry(products: () => HostKernels): KernelRegistry {
  const matmul: HostKernel<MatmulGeometry> = ([a, b], out, _, g) => products().matmul(a, b, out, g);
  const conv2d: HostKernel<ConvGeometry> = ([x, w], out, _, g) => products().conv2d(g, x, w, out);
  const conv2dInputGrad: HostKernel<ConvGeometry> = ([dy, w], out, _, g) => products().conv2dInputGrad(g, dy, w, out);
  const conv2dWeightGrad: HostKernel<ConvGeometry> = ([dy, x], out, _, g) => products().conv2dWeightGrad(g, dy, x, out);
  const registry = new KernelRegistry();
  registry.register('matmul', 'cpu', matmul);
  registry.register('conv2d', 'cpu', conv2d);
  registry.register('conv2dInputGrad', 'cpu', conv2dInputGrad);
  registry.register('conv2dWeightGrad', 'cpu', conv2dWeightGrad);
  const updates: OptimizerKernelName[] = ['sgd', 'sgdMomentum', 'optimAverage', 'optimSquaredAverage', 'adam'];
  for (const name of updates) registry.register(name, 'cpu', (inputs, out, scalars) => products().optimizerUpdate(name, inputs, out, scalars));
  registry.register('packedSgdBuffer', 'cpu', packedBufferHost);
  registry.register('packedSgdStep', 'cpu', packedStepHost);
  // The memory-bound rest of a training step, bit-identical to the gpu.js sources (float64
  // arithmetic, one float32 store) and several times to two orders of magnitude faster than the
  // JavaScript that gpu.js generates for its cpu mode (one function call per output).
  const elementwise: HostKernel<ElementwiseParams> = (inputs, out, scalars, params) => products().elementwise(inputs, out, scalars, params);
  for (const op of Object.keys(ELEMENTWISE_BODIES)) registry.register(op, 'cpu', elementwise);
  const reduce: HostKernel<ReduceParams> = ([x], out, _, params) => products().reduce(x, out, params);
  for (const op of REDUCE_OPS) registry.register(op, 'cpu', reduce);
  registry.register('gather', 'cpu', hostGather);
  registry.register('castFloat16', 'cpu', ([x], out) => products().roundFloat16(x, out));
  const softmax: HostKernel<SoftmaxParams> = (inputs, out, _, params) => products().softmax(inputs, out, params);
  for (const op of SOFTMAX_OPS) registry.register(op, 'cpu', softmax);
  const maxPool2d: HostKernel<PoolGeometry> = ([x], out, _, g) => products().maxPool2d(g, x, out);
  const maxPool2dGrad: HostKernel<PoolGeometry> = ([x, dy], out, _, g) => products().maxPool2dGrad(g, x, dy, out);
  registry.register('maxPool2d', 'cpu', maxPool2d);
  registry.register('maxPool2dGrad', 'cpu', maxPool2dGrad);
  registry.register('avgPool2d', 'cpu', hostAvgPool);
  registry.register('avgPool2dGrad', 'cpu', hostAvgPoolGrad);
  new Float16HostKernels(products).register(registry);
  registerBuiltinWgslKernels(registry);
  return registry;
}
