import type { KernelSpec } from '../backend/kernel-spec';
import type { DType } from '../dtype';
import { fmt, sizeOf, type Shape } from '../shape';
import { Tensor } from '../tensor';
import { engineOf, runKernel as runOnDevice } from './run';

/**
 * Runs a package's own kernel on the current backend and returns its output as a new tensor of
 * `shape`. `args` are the kernel's arguments in order: tensors (read as flat float32 arrays) or
 * numbers (scalar arguments). The implementation registered for the current backend under
 * `spec.name` (see `registerKernel`) runs where there is one, the gpu.js `spec.source` elsewhere.
 * The result is not differentiable; wrap the call in `customGrad` to give it a gradient.
 *
 * @throws Error when the spec is malformed, `spec.outSize` differs from the size of `shape`, no
 * argument is a tensor, or a tensor is disposed or lives on another backend.
 */
export function runKernel(spec: KernelSpec, args: readonly (Tensor | number)[], shape: Shape, dtype: DType = 'float32'): Tensor {
  if (spec === null || typeof spec !== 'object') throw new Error(`runKernel: spec must be a KernelSpec object, got ${spec === null ? 'null' : typeof spec}`);
  if (typeof spec.name !== 'string' || spec.name === '') throw new Error('runKernel: spec.name must be a non-empty string');
  if (typeof spec.source !== 'string' || !/^function\s*\(/.test(spec.source)) {
    throw new Error(`runKernel: spec.source of '${spec.name}' must be gpu.js kernel source text starting with 'function (', got ${typeof spec.source}`);
  }
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`runKernel: shape of '${spec.name}' must be an array of integers ≥ 0, got ${JSON.stringify(shape)}`);
  }
  if (spec.outSize !== sizeOf(shape)) throw new Error(`runKernel: spec.outSize of '${spec.name}' is ${spec.outSize}, but shape ${fmt(shape)} holds ${sizeOf(shape)} values`);
  if (dtype !== 'float32' && dtype !== 'float16') throw new Error(`runKernel: dtype must be 'float32' or 'float16', got ${JSON.stringify(dtype)}`);
  for (const [i, a] of args.entries()) {
    if (!(a instanceof Tensor) && typeof a !== 'number') throw new Error(`runKernel: argument ${i} of '${spec.name}' must be a Tensor or a number, got ${a === null ? 'null' : typeof a}`);
  }
  return runOnDevice(engineOf(`runKernel '${spec.name}'`, ...args), spec, args, shape, dtype);
}
