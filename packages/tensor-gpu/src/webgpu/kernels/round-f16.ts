import type { OutputPrecision } from '../../backend/kernel-spec';

/**
 * WGSL `round_f16(x)`: the nearest IEEE binary16 value of an f32, as an f32, with the host's
 * rounding (fp16/host.ts): ties to even, subnormals on the 2^-24 grid, |x| ≥ 65520 to ±Infinity,
 * NaN and signed zeros kept. Normal results round the bit pattern (exact integer arithmetic);
 * subnormal ones scale by 2^24 (exact) and use WGSL's `round`, which breaks ties to even.
 * No shader-f16 is needed, so every adapter gives the same bits.
 */
export const ROUND_F16_WGSL = `
fn round_f16(x : f32) -> f32 {
  let bits = bitcast<u32>(x);
  let sign = bits & 0x80000000u;
  let mag = bits & 0x7fffffffu;
  if (mag >= 0x7f800000u) { return x; }
  if (mag >= 0x477ff000u) { return bitcast<f32>(sign | 0x7f800000u); }
  if (mag < 0x38800000u) {
    let scaled = round(bitcast<f32>(mag) * 16777216.0) * 5.9604644775390625e-8;
    return bitcast<f32>(sign | bitcast<u32>(scaled));
  }
  let rounded = mag + 0xfffu + ((mag >> 13u) & 1u);
  return bitcast<f32>(sign | (rounded & 0xffffe000u));
}
`;

/** The WGSL expression that stores `value` at the given precision. */
export function storeAs(precision: OutputPrecision, value: string): string {
  return precision === 'float16' ? `round_f16(${value})` : value;
}

/** `ROUND_F16_WGSL` where the precision needs it, else nothing. */
export function roundingHelpers(precision: OutputPrecision): string {
  return precision === 'float16' ? ROUND_F16_WGSL : '';
}
