import type { SimdInstance } from './simd-instance';

/**
 * Rounds float32 values to binary16, kept as float32, in WebAssembly SIMD (assembly/fp16.ts):
 * bit for bit `roundFloat32ArrayToFloat16` of src/fp16/host.ts, NaN payloads included. `out` may
 * be `x`. Operands in the heap are used in place, others copied in (and the result out).
 */
export function simdRoundFloat16(s: SimdInstance, x: Float32Array, out: Float32Array): void {
  if (x.length !== out.length) throw new Error(`simdRoundFloat16: out holds ${out.length} values, x ${x.length}`);
  const placed = s.place(0, [x], out);
  s.exports.roundFloat16(placed.inputs[0], placed.out, x.length);
  placed.finish();
}
