/**
 * Narrows float64 values to float32 stand-ins that round to binary16 (to nearest, ties to even)
 * exactly as the float64 values do, overflow, signed zeros and NaNs included.
 *
 * Rounding to nearest float32 first is not enough: 1 + 2⁻¹¹ + 2⁻²⁴ becomes the binary16 tie
 * 1 + 2⁻¹¹, which then rounds down to 1 instead of up. That happens only where the float32 value
 * is a binary16 tie (its low 12 mantissa bits are zero) while the float64 value was not; there the
 * value moves one float32 step towards the float64 one, onto its odd neighbour, as rounding to odd
 * would (Boldo and Melquiond, "When double rounding is odd", 2005): float32 keeps 13 more bits
 * than binary16, so a value strictly between two float32s can no longer pose as a tie. Every other
 * value keeps its nearest float32, which lies on the same side of every binary16 tie as the
 * float64 value. Past the float32 range the largest float32 stands in (it still rounds to ±Infinity).
 *
 * This lets float64 host loops feed the binary16 rounding of float32 arrays (WebAssembly SIMD or
 * JavaScript) and still match a direct float64 → binary16 rounding bit for bit.
 *
 * @param src - The float64 values.
 * @param out - Their float32 stand-ins, of the same length.
 * @throws RangeError when the lengths differ.
 */
export function narrowForBinary16Rounding(src: Float64Array, out: Float32Array): void {
  const n = src.length;
  if (out.length !== n) throw new RangeError(`narrowForBinary16Rounding: out holds ${out.length} values, src ${n}`);
  out.set(src); // to nearest float32, in bulk
  const bits = new Int32Array(out.buffer, out.byteOffset, n);
  for (let i = 0; i < n; i++) {
    const b = bits[i];
    // A possible binary16 tie (or zero, or Infinity): rare in inexact results, so the branch predicts well.
    if ((b & 0xfff) === 0) {
      const x = src[i];
      const f = out[i];
      // Inexact (NaN excluded: it compares unequal to itself yet needs no step); b is even here.
      if (f !== x && x === x) bits[i] = Math.abs(x) > Math.abs(f) ? b + 1 : b - 1;
    }
  }
}
