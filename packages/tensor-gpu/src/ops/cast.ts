import { isDType, type DType } from '../dtype';
import type { KernelSpec } from '../backend/kernel-spec';
import { withFloat16Output } from '../fp16/kernel-rounding';
import { elementwiseKernel } from '../kernels/elementwise';
import type { Shape } from '../shape';
import type { Tensor } from '../tensor';
import { checkTensor, runKernel } from './run';

/**
 * Converts to another dtype. float32 → float16 rounds every value to binary16 on the device
 * (ties to even, subnormals, overflow to ±Infinity); float16 → float32 is exact (a view), and so
 * is a cast to the same dtype. The gradient is cast back to the input's dtype in every case.
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkTensor(x, 'cast');
  if (!isDType(dtype)) throw new Error(`cast: dtype must be 'float32' or 'float16', got ${JSON.stringify(dtype)}`);
  const out =
    dtype === 'float32' || dtype === x.dtype
      ? x.engine.view(x, x.shape, dtype)
      : runKernel(x.engine, castFloat16Kernel(x.shape), [x, Infinity], x.shape, 'float16', 'float32');
  x.engine.record(out, [x], (dy) => [cast(dy, x.dtype)]);
  return out;
}

/**
 * The primitive `castFloat16`: a copy rounded to binary16 inside its gpu.js source (which takes
 * +Infinity as its last argument), so that a backend may register its own rounding for it; the
 * `cpu` backend rounds on the host (see HostKernels.roundFloat16).
 */
function castFloat16Kernel(shape: Shape): KernelSpec {
  return { ...withFloat16Output(elementwiseKernel('identity', shape, [shape])), name: 'castFloat16' };
}
