import type { KernelRegistry } from '../backend/kernel-registry';
import { conv2dWgsl } from './kernels/conv2d';
import { conv2dInputGradWgsl, conv2dWeightGradWgsl } from './kernels/conv2d-grads';
import { matmulWgsl } from './kernels/matmul';
import { poolGradWgsl, poolWgsl } from './kernels/pool';
import { reduceWgsl } from './kernels/reduce';
import { softmaxGradWgsl, softmaxWgsl } from './kernels/softmax';

/**
 * The primitives with a WGSL kernel of their own on webgpu (each may decline a shape, see its
 * kernel). Every other primitive (elementwise, layout, optimizer updates) runs its portable gpu.js
 * source there, translated to WGSL: one output per thread, still on GPU-resident buffers.
 */
export function registerBuiltinWgslKernels(registry: KernelRegistry): void {
  registry.registerWgsl('matmul', matmulWgsl);
  registry.registerWgsl('conv2d', conv2dWgsl);
  registry.registerWgsl('conv2dInputGrad', conv2dInputGradWgsl);
  registry.registerWgsl('conv2dWeightGrad', conv2dWeightGradWgsl);
  for (const kind of ['max', 'avg'] as const) {
    registry.registerWgsl(`${kind}Pool2d`, poolWgsl(kind));
    registry.registerWgsl(`${kind}Pool2dGrad`, poolGradWgsl(kind));
  }
  registry.registerWgsl('softmax', softmaxWgsl);
  registry.registerWgsl('logSoftmax', softmaxWgsl);
  registry.registerWgsl('softmaxGrad', softmaxGradWgsl);
  registry.registerWgsl('logSoftmaxGrad', softmaxGradWgsl);
  for (const op of ['sum', 'mean', 'max', 'min', 'argmax', 'argmin']) registry.registerWgsl(op, reduceWgsl);
}
