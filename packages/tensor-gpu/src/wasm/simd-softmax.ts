import { SOFTMAX_OPS, type SoftmaxParams } from '../kernels/softmax';
import type { SimdInstance } from './simd-instance';

/**
 * A row-wise softmax primitive (kernels/softmax.ts) in WebAssembly SIMD (assembly/softmax.ts):
 * `inputs` are the logits, or `dy` and the forward output for the gradients. Within 1 float32 ulp
 * of the JavaScript loops (float64 sums in another order), not bit-identical to them. Operands in
 * the heap are used in place, others copied in (and the result out).
 */
export function simdSoftmax(s: SimdInstance, inputs: readonly Float32Array[], out: Float32Array, { op, rows, cols }: SoftmaxParams): void {
  const code = SOFTMAX_OPS.indexOf(op);
  if (code < 0) throw new Error(`simdSoftmax: params.op must be one of ${SOFTMAX_OPS.join(', ')}, got '${op}'`);
  const size = rows * cols;
  const arity = code < 2 ? 1 : 2;
  if (inputs.length !== arity || inputs.some((x) => x.length < size) || out.length < size) {
    throw new Error(`simdSoftmax (${op}): needs ${arity} input(s) and an output of ${rows}·${cols} values, got inputs of ${inputs.map((x) => x.length).join(', ')} and an output of ${out.length}`);
  }
  const placed = s.place(0, inputs.map((x) => x.subarray(0, size)), out.subarray(0, size));
  s.exports.softmax(code, placed.inputs[0], arity === 2 ? placed.inputs[1] : 0, placed.out, rows, cols);
  placed.finish();
}
