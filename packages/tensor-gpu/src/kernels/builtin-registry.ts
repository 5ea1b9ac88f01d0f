import { KernelRegistry } from '../backend/kernel-registry';
import type { HostKernel } from '../backend/kernel-spec';
import { adamStepHost, averageHost, momentumStepHost, sgdHost, squaredAverageHost } from '../optim/kernels';
import { packedBufferHost, packedStepHost } from '../optim/packed-sgd-host';
import type { ConvGeometry } from './conv';
import { hostConv2d, hostConv2dInputGrad, hostConv2dWeightGrad } from './host-conv';
import { hostMatmul } from './host-matmul';
import type { MatmulGeometry } from './matmul';

const matmul: HostKernel<MatmulGeometry> = ([a, b], out, _, g) => hostMatmul(a, b, out, g);
const conv2d: HostKernel<ConvGeometry> = ([x, w], out, _, g) => hostConv2d(g, x, w, out);
const conv2dInputGrad: HostKernel<ConvGeometry> = ([dy, w], out, _, g) => hostConv2dInputGrad(g, dy, w, out);
const conv2dWeightGrad: HostKernel<ConvGeometry> = ([dy, x], out, _, g) => hostConv2dWeightGrad(g, dy, x, out);

/**
 * The one place that says which primitive runs what on which backend. Every primitive runs its
 * gpu.js source unless a line here names another implementation for the current backend. To add
 * one (a WebAssembly SIMD matmul for `cpu`, say): write it as a {@link HostKernel} in its own file
 * and add a line here; the kernel's `params` carry what it needs beyond its inputs.
 */
export function builtinKernelRegistry(): KernelRegistry {
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
  return registry;
}
