/**
 * Host-side IEEE 754 binary16 (fp16) conversion by bit manipulation on typed-array views.
 *
 * Rounding everywhere is round to nearest, ties to even. Subnormal halves go down to 2^-24,
 * magnitudes of 65520 and more become ±Infinity (65504 is the largest finite half), signed
 * zeros are kept, and float32 denormals (all far below 2^-25) round to ±0. A NaN is quieted
 * and keeps the top 10 bits of its float32 mantissa as payload, with its sign.
 *
 * @module
 */

/** True when typed arrays on this platform store their elements little-endian. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Index of the high (sign, exponent, top mantissa) 32-bit word of a float64 in a Uint32Array view. */
const HI = LITTLE_ENDIAN ? 1 : 0;

/** Index of the low 32-bit word of a float64 in a Uint32Array view. */
const LO = LITTLE_ENDIAN ? 0 : 1;

/** Scratch float64 for {@link roundToFloat16}, with a 32-bit word view over it. */
const scratch64 = new Float64Array(1);

/** The two 32-bit words of {@link scratch64}; use {@link HI} and {@link LO} to index them. */
const scratch64Words = new Uint32Array(scratch64.buffer);

/** Lazily built float32 bit patterns of all 65536 halves; see {@link halfToFloat32BitsTable}. */
let halfTable: Uint32Array | undefined;

/** Lazily built float32 view over {@link halfTable}'s buffer (the halves as numbers). */
let halfValues: Float32Array | undefined;

/**
 * Widens one half bit pattern to the bit pattern of the equal float32 (exact).
 * NaN payloads move back up by 13 bits, so a quiet half NaN stays quiet.
 */
function halfBitsToFloat32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exponent = (h >>> 10) & 0x1f;
  let mantissa = h & 0x3ff;
  if (exponent === 0x1f) return (sign | 0x7f800000 | (mantissa << 13)) >>> 0;
  if (exponent !== 0) return (sign | ((exponent + 112) << 23) | (mantissa << 13)) >>> 0;
  if (mantissa === 0) return sign >>> 0;
  // Subnormal half m * 2^-24: normalise so the leading one lands on bit 10 (the implicit bit).
  let biased = 113; // float32 exponent field of 2^-14
  while ((mantissa & 0x400) === 0) {
    mantissa <<= 1;
    biased--;
  }
  return (sign | (biased << 23) | ((mantissa & 0x3ff) << 13)) >>> 0;
}

/** Returns the table of float32 bit patterns indexed by half bit pattern, building it on first use. */
function halfToFloat32BitsTable(): Uint32Array {
  if (halfTable === undefined) {
    const table = new Uint32Array(0x10000);
    for (let h = 0; h < 0x10000; h++) table[h] = halfBitsToFloat32Bits(h);
    halfTable = table;
    halfValues = new Float32Array(table.buffer);
  }
  return halfTable;
}

/**
 * Right shift that drops the bits a half cannot keep, per float32 exponent field `e`: 13 for
 * normal halves (e >= 113), `126 - e` for subnormal halves (102 <= e <= 112), and 25 below,
 * where everything rounds to zero. Used with {@link ROUND_BIAS} by {@link float32BitsToHalf}.
 */
const ROUND_SHIFT = new Int32Array(256);

/**
 * What {@link float32BitsToHalf} subtracts from a float32 magnitude's bits, per exponent field
 * `e`, so that `x >>> ROUND_SHIFT[e]` is the half bit pattern: `112 << 23` re-biases the exponent
 * (127 -> 15) for normal halves; `(e - 1) << 23` below turns the exponent field into the implicit
 * leading one, leaving the 24-bit significand, whose shift counts units of 2^-24.
 */
const ROUND_BIAS = new Int32Array(256);

for (let e = 0; e < 256; e++) {
  ROUND_SHIFT[e] = e >= 113 ? 13 : e >= 102 ? 126 - e : 25;
  ROUND_BIAS[e] = e >= 113 ? 112 << 23 : e >= 1 ? (e - 1) << 23 : 0;
}

/**
 * Rounds one float32 bit pattern `u` to the half bit pattern (round to nearest, ties to even).
 *
 * Finite values below 65520 take one branch-free path: align the bits with the per-exponent
 * tables, add just under half a unit plus the kept lowest bit (ties go to even), and shift.
 * A carry out of the kept bits ripples into the exponent, which is exactly right.
 */
function float32BitsToHalf(u: number): number {
  const a = u & 0x7fffffff;
  const sign = (u >>> 16) & 0x8000;
  if (a >= 0x477ff000) {
    // >= 65520 and Infinity give Infinity; a NaN is quieted and keeps its top 10 payload bits.
    return sign | (a > 0x7f800000 ? 0x7e00 | ((a >>> 13) & 0x3ff) : 0x7c00);
  }
  const e = a >>> 23;
  const shift = ROUND_SHIFT[e];
  const x = a - ROUND_BIAS[e];
  return sign | ((x + (1 << (shift - 1)) - 1 + ((x >>> shift) & 1)) >>> shift);
}

/**
 * Rounds the float64 whose words are `hi` (sign cleared) and `lo` to a half bit pattern.
 * Works on all 52 mantissa bits at once, so it rounds once, directly from float64.
 */
function float64MagnitudeToHalf(hi: number, lo: number): number {
  if (hi >= 0x7ff00000) {
    if (hi === 0x7ff00000 && lo === 0) return 0x7c00;
    return 0x7e00 | ((hi >>> 10) & 0x3ff); // quiet NaN, top 10 payload bits
  }
  if (hi >= 0x40effe00) return 0x7c00; // >= 65520 rounds to Infinity
  if (hi >= 0x3f100000) {
    // Normal half: keep 10 of the 20 mantissa bits in `hi`; `lo` only matters to break ties.
    const h = (hi - 0x3f000000) >>> 10; // re-bias 1023 -> 15
    const rest = hi & 0x3ff;
    return h + (rest > 0x200 || (rest === 0x200 && (lo !== 0 || (h & 1) !== 0)) ? 1 : 0);
  }
  if (hi < 0x3e600000 || (hi === 0x3e600000 && lo === 0)) return 0; // <= 2^-25
  // Subnormal half: k = 21-bit significand in `hi` >>> (1019 - e); `lo` again only breaks ties.
  const shift = 1019 - (hi >>> 20);
  const m = (hi & 0xfffff) | 0x100000;
  const k = m >>> shift;
  const rest = m & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return k + (rest > half || (rest === half && (lo !== 0 || (k & 1) !== 0)) ? 1 : 0);
}

/** Checks that a caller-supplied output array has the input's length. */
function checkOut(out: ArrayLike<number>, n: number): void {
  if (out.length !== n) throw new RangeError(`fp16: output has length ${out.length}, expected ${n}`);
}

/**
 * Rounds a number to the nearest IEEE 754 binary16 value and returns it as a number.
 *
 * Round to nearest, ties to even; results below 2^-14 are subnormal halves (multiples of
 * 2^-24), magnitudes of 65520 and more give ±Infinity, signed zeros and NaN are kept.
 *
 * Note: this rounds once, straight from the float64 bits. Going through float32 first
 * (`Math.fround`) would round twice and be wrong near ties: a float64 slightly above a
 * half-way point can round down to the exact tie in float32, which then goes to even.
 *
 * @param x - Any number (float64).
 * @returns The nearest binary16 value, as a number.
 */
export function roundToFloat16(x: number): number {
  scratch64[0] = x;
  const hi = scratch64Words[HI];
  const h = ((hi >>> 16) & 0x8000) | float64MagnitudeToHalf(hi & 0x7fffffff, scratch64Words[LO]);
  halfToFloat32BitsTable();
  return (halfValues as Float32Array)[h];
}

/**
 * Converts float32 values to IEEE 754 binary16 bit patterns (round to nearest, ties to even).
 *
 * Float32 denormals round to ±0 and magnitudes of 65520 and more to ±Infinity. A NaN becomes
 * the quiet half NaN `sign | 0x7c00 | 0x200 | (mantissa32 >>> 13) & 0x3ff`.
 *
 * @param a - The float32 values.
 * @param out - Optional destination of the same length; a new array when omitted.
 * @returns `out`, holding one half bit pattern per element of `a`.
 * @throws RangeError when `out` has another length than `a`.
 */
export function toFloat16Bits(a: Float32Array, out?: Uint16Array): Uint16Array {
  const n = a.length;
  const dst = out ?? new Uint16Array(n);
  checkOut(dst, n);
  const src = new Uint32Array(a.buffer, a.byteOffset, n);
  for (let i = 0; i < n; i++) dst[i] = float32BitsToHalf(src[i]);
  return dst;
}

/**
 * Widens IEEE 754 binary16 bit patterns to float32 values, exactly.
 *
 * Subnormals, signed zeros and ±Infinity map to the equal float32; a NaN keeps its sign and
 * its 10-bit payload, shifted back into the top of the float32 mantissa.
 *
 * @param b - The half bit patterns.
 * @param out - Optional destination of the same length; a new array when omitted.
 * @returns `out`, holding one float32 per element of `b`.
 * @throws RangeError when `out` has another length than `b`.
 */
export function fromFloat16Bits(b: Uint16Array, out?: Float32Array): Float32Array {
  const n = b.length;
  const dst = out ?? new Float32Array(n);
  checkOut(dst, n);
  const table = halfToFloat32BitsTable();
  const words = new Uint32Array(dst.buffer, dst.byteOffset, n);
  for (let i = 0; i < n; i++) words[i] = table[b[i]];
  return dst;
}

/**
 * Rounds float32 values to the nearest binary16 values, keeping them as float32, in one pass.
 *
 * The result equals `fromFloat16Bits(toFloat16Bits(a))` bit for bit, NaNs included; it is what
 * emulated-fp16 tensors store. `out` may be `a` itself to round in place.
 *
 * @param a - The float32 values.
 * @param out - Optional destination of the same length (may be `a`); a new array when omitted.
 * @returns `out`, holding `a` rounded to binary16 precision and range.
 * @throws RangeError when `out` has another length than `a`.
 */
export function roundFloat32ArrayToFloat16(a: Float32Array, out?: Float32Array): Float32Array {
  const n = a.length;
  const dst = out ?? new Float32Array(n);
  checkOut(dst, n);
  const table = halfToFloat32BitsTable();
  const src = new Uint32Array(a.buffer, a.byteOffset, n);
  const words = new Uint32Array(dst.buffer, dst.byteOffset, n);
  for (let i = 0; i < n; i++) words[i] = table[float32BitsToHalf(src[i])];
  return dst;
}
