import { isDType, type DType } from '../dtype';
import { elementwiseKernel } from '../kernels/elementwise';
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
      : runKernel(x.engine, elementwiseKernel('identity', x.shape, [x.shape]), [x], x.shape, 'float16');
  x.engine.record(out, [x], (dy) => [cast(dy, x.dtype)]);
  return out;
}
