import type { OptimizerKernelName } from '../optim/kernels';
import type { SimdInstance } from './simd-instance';

/**
 * One fused optimizer update (src/optim/kernels.ts) in the kernel module (assembly/optim.ts), on
 * its operands in place where they live in the heap (others copied in, the result out). Inputs and
 * scalars come in the kernels' argument order.
 */
export function simdOptimizerUpdate(s: SimdInstance, name: OptimizerKernelName, inputs: readonly Float32Array[], out: Float32Array, scalars: readonly number[]): void {
  const placed = s.place(0, inputs, out);
  const [a, b, c] = placed.inputs;
  const outAt = placed.out;
  const n = out.length;
  const e = s.exports;
  if (name === 'sgd') e.sgd(a, b, outAt, n, scalars[0], scalars[1]);
  else if (name === 'sgdMomentum') e.momentumStep(a, b, c, outAt, n, scalars[0], scalars[1], scalars[2], scalars[3] !== 0 ? 1 : 0);
  else if (name === 'adam') e.adamStep(a, b, c, outAt, n, scalars[0], scalars[1], scalars[2]);
  else e.average(a, b, c, outAt, n, scalars[0], scalars[1], scalars[2], name === 'optimSquaredAverage' ? 1 : 0);
  placed.finish();
}
