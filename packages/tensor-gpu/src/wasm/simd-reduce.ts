import { REDUCE_OPS, type ReduceParams } from '../kernels/reduce';
import type { SimdInstance } from './simd-instance';

/**
 * A reduction (kernels/reduce.ts) in WebAssembly SIMD (assembly/reduce.ts): `x` viewed as
 * `[lead, outer, reduce, inner]`, reduced over its `reduce` axis and its leading one into `out`
 * (`outer·inner` values). max, min, argmax and argmin are bit-identical to the JavaScript loop;
 * sum and mean add in float32 lanes of at most 16 values each, then in float64, so they are within
 * 15·2⁻²⁴·Σ|x| plus half an ulp of the exact value (the loop adds everything in float64). Runs on
 * the calling thread only, so the results do not depend on worker threads. Operands in the heap
 * are used in place, others copied in (and the result out).
 */
export function simdReduce(s: SimdInstance, x: Float32Array, out: Float32Array, { op, outer, reduce, inner, lead = 1 }: ReduceParams): void {
  const code = REDUCE_OPS.indexOf(op);
  if (code < 0) throw new Error(`simdReduce: params.op must be one of ${REDUCE_OPS.join(', ')}, got '${op}'`);
  if (!(isCount(outer) && isCount(reduce) && isCount(inner) && isCount(lead))) {
    const [name, v] = !isCount(outer) ? ['outer', outer] : !isCount(reduce) ? ['reduce', reduce] : !isCount(inner) ? ['inner', inner] : ['lead', lead];
    throw new Error(`simdReduce (${op}): params.${name} must be a non-negative integer, got ${v}`);
  }
  if (reduce * lead === 0 && op !== 'sum') throw new Error(`simdReduce (${op}): params.reduce and params.lead must be positive (only sum reduces an empty axis)`);
  if (lead !== 1 && (op === 'argmax' || op === 'argmin')) throw new Error(`simdReduce (${op}): params.lead must be 1 (an index is along one axis), got ${lead}`);
  const size = lead * outer * reduce * inner;
  const outSize = outer * inner;
  if (x.length < size || out.length < outSize) {
    throw new Error(`simdReduce (${op}): needs an input of ${lead}·${outer}·${reduce}·${inner} values and an output of ${outer}·${inner}, got ${x.length} and ${out.length}`);
  }
  if (outSize === 0) return;
  const placed = s.place(0, [x.length === size ? x : x.subarray(0, size)], out.length === outSize ? out : out.subarray(0, outSize));
  s.exports.reduce(code, placed.inputs[0], placed.out, lead, outer, reduce, inner);
  placed.finish();
}

function isCount(v: number): boolean {
  return Number.isInteger(v) && v >= 0;
}
