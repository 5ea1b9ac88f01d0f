import { KernelRegistry } from '../backend/kernel-registry';
import type { HostKernel } from '../backend/kernel-spec';
import { adamStepHost, averageHost, momentumStepHost, sgdHost, squaredAverageHost } from '../optim/kernels';
import { packedBufferHost, packedStepHost } from '../optim/packed-sgd-host';
import type { ConvGeometry } from './conv';
import type { HostKernels } from './host-kernels';
import type { MatmulGeometry } from './matmul';
import { registerBuiltinWgslKernels } from '../webgpu/builtin-wgsl';

/**
 * The one place that says which primitive runs what on which backend. Every primitive runs its
 * gpu.js source unless a line here names another implementation for the current backend. To add
 * one: write it as a {@link HostKernel} in its own file and add a line here; the kernel's `params`
 * carry what it needs beyond its inputs. WebGPU kernels (WGSL) are listed in webgpu/builtin-wgsl.ts. On `cpu`, the products (matmul and the convolutions) run
 * `products()`: the engine's WebAssembly SIMD or JavaScript kernels, whichever it was told to use.
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
  registry.register('sgd', 'cpu', sgdHost);
  registry.register('sgdMomentum', 'cpu', momentumStepHost);
  registry.register('optimAverage', 'cpu', averageHost);
  registry.register('optimSquaredAverage', 'cpu', squaredAverageHost);
  registry.register('adam', 'cpu', adamStepHost);
  registry.register('packedSgdBuffer', 'cpu', packedBufferHost);
  registry.register('packedSgdStep', 'cpu', packedStepHost);
  registerBuiltinWgslKernels(registry);
  return registry;
}
