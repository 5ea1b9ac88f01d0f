/**
 * Narrows float64 values to float32 rounding to odd: an inexact value becomes the one of its two
 * float32 neighbours whose last mantissa bit is 1. Rounding that float32 to binary16 (to nearest,
 * ties to even) then gives exactly the binary16 value nearest the float64 one: float32 keeps 13
 * more bits than binary16, and the odd last bit records that the value lay strictly between
 * float32 values, so it can never pose as a binary16 tie (Boldo and Melquiond, "When double
 * rounding is odd", 2005). Plain rounding to nearest could: 1 + 2⁻¹¹ + 2⁻²⁴ would become the tie
 * 1 + 2⁻¹¹ and then round down to 1 instead of up.
 *
 * This lets float64 host loops feed the binary16 rounding of float32 arrays (WebAssembly SIMD or
 * JavaScript) and still match a direct float64 → binary16 rounding bit for bit, overflow (past
 * the float32 range the largest float32 stands in, which still rounds to ±Infinity), signed zeros
 * and NaNs included.
 *
 * @param src - The float64 values.
 * @param out - Their float32 stand-ins, of the same length.
 * @throws RangeError when the lengths differ.
 */
export function narrowRoundingToOdd(src: Float64Array, out: Float32Array): void {
  const n = src.length;
  if (out.length !== n) throw new RangeError(`narrowRoundingToOdd: out holds ${out.length} values, src ${n}`);
  const bits = new Int32Array(out.buffer, out.byteOffset, n);
  for (let i = 0; i < n; i++) {
    const x = src[i];
    const f = Math.fround(x);
    out[i] = f;
    // Inexact (NaN excluded: it compares unequal to itself yet needs no neighbour).
    if (f !== x && x === x) {
      const b = bits[i];
      // Even: step the magnitude one ulp towards x, onto the odd neighbour (Infinity steps down to the largest float32).
      if ((b & 1) === 0) bits[i] = Math.abs(x) > Math.abs(f) ? b + 1 : b - 1;
    }
  }
}
