import type { Ref } from './reference';

/** Max violation of |a − e| ≤ atol + rtol·|e|, with the worst index, for clear failure messages. */
export function closeness(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number) {
  if (actual.length !== expected.length) return { ok: false, message: `length ${actual.length} != expected ${expected.length}` };
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (a === e) continue;
    const excess = Math.abs(a - e) - (atol + rtol * Math.abs(e));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(excess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst < 0) return { ok: true, message: 'ok' };
  return { ok: false, message: `index ${worst}: got ${actual[worst]}, expected ${expected[worst]} (rtol ${rtol}, atol ${atol})` };
}

/** Throws unless a device result matches a float64 reference in shape and values. */
export function assertClose(actual: { shape: readonly number[] }, values: Float32Array, expected: Ref, rtol = 1e-5, atol = 1e-6): void {
  if (actual.shape.length !== expected.shape.length || actual.shape.some((d, i) => d !== expected.shape[i])) {
    throw new Error(`shape [${actual.shape}] != expected [${expected.shape}]`);
  }
  const c = closeness(values, expected.data, rtol, atol);
  if (!c.ok) throw new Error(c.message);
}
