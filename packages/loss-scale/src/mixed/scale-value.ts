import * as t from '@nnlab/tensor-gpu';

/**
 * A loss scale carried by a gradient: a host number when it is known without reading the device
 * (no, static and dynamic scaling), a scalar float32 tensor when it was computed on the device
 * during the backward pass (adaptive scaling), so that the backward never waits for a read-back.
 */
export type ScaleValue = number | t.Tensor;

/** `a·b` for scale values; a tensor result is always a new tensor (never one of the operands). */
export function mulScale(a: ScaleValue, b: ScaleValue): ScaleValue {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  return t.mul(a, b);
}

/** `x / s` in float32 (x is cast to float32 first, so the unscaled value cannot underflow in float16). */
export function unscale(x: t.Tensor, s: ScaleValue): t.Tensor {
  const x32 = t.cast(x, 'float32');
  if (s === 1) return x32;
  return t.div(x32, s);
}

/** `x·s` rounded to float16 (exact when s is a power of two and nothing overflows). */
export function scaleToFloat16(x: t.Tensor, s: ScaleValue): t.Tensor {
  if (s === 1) return t.cast(x, 'float16');
  return t.cast(t.mul(x, s), 'float16');
}

/** Reads a scale value back as a number. */
export async function readScale(s: ScaleValue): Promise<number> {
  if (typeof s === 'number') return s;
  return (await s.data())[0];
}
