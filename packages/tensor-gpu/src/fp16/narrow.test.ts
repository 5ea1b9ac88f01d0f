import { describe, expect, it } from 'vitest';
import { roundFloat32ArrayToFloat16, roundToFloat16 } from './host';
import { narrowForBinary16Rounding } from './narrow';
import { seededUint32 } from '../testing/seeded-uint32';

const rng = seededUint32;

/** Float64 values that probe binary16 ties: each half midpoint, and one float64 or float32 step either side. */
function nearTies(): number[] {
  const out: number[] = [];
  for (const lo of [2 ** -24, 2 ** -20, 2 ** -14 - 2 ** -24, 2 ** -14, 1, 1 + 2 ** -10, 3 + 2 ** -9, 1000, 2048, 65504]) {
    const ulp = lo < 2 ** -14 ? 2 ** -24 : 2 ** (Math.floor(Math.log2(lo)) - 10);
    const mid = lo + ulp / 2;
    for (const d of [0, mid * 2 ** -52, mid * 2 ** -40, mid * 2 ** -25, mid * 2 ** -24, mid * 2 ** -23]) out.push(mid + d, mid - d, -(mid + d), -(mid - d));
  }
  return out;
}

describe('narrowForBinary16Rounding', () => {
  it('then binary16 rounding of the float32 values equals rounding the float64 values directly', () => {
    const next = rng(7);
    const special = [0, -0, Infinity, -Infinity, NaN, 65519.99999, 65520, 65520.0001, 1e300, -1e300, 1e-300, -1e-300, 2 ** -25, 2 ** -25 + 2 ** -60, 3.4028235677973366e38, 1 + 2 ** -11 + 2 ** -24, 1 + 2 ** -11 + 2 ** -30];
    const random = Array.from({ length: 20000 }, () => {
      // Random float64 bit patterns over binary16's range and beyond.
      const mant = next() * 2 ** -32 + next() * 2 ** -64;
      return (next() & 1 ? -1 : 1) * (1 + mant) * 2 ** ((next() % 60) - 34);
    });
    const src = Float64Array.from([...special, ...nearTies(), ...random]);
    const out = new Float32Array(src.length);
    narrowForBinary16Rounding(src, out);
    roundFloat32ArrayToFloat16(out, out);
    const plain = roundFloat32ArrayToFloat16(Float32Array.from(src));
    let plainDiffers = 0;
    for (let i = 0; i < src.length; i++) {
      const want = roundToFloat16(src[i]);
      if (Number.isNaN(want)) {
        expect(out[i]).toBeNaN();
        continue;
      }
      expect(Object.is(out[i], want), `x = ${src[i]}: got ${out[i]}, want ${want}`).toBe(true);
      if (!Object.is(plain[i], want)) plainDiffers++;
    }
    // Rounding to nearest float32 first is not enough: the probes catch it on double rounding.
    expect(plainDiffers).toBeGreaterThan(10);
  });

  it('keeps exact values and rejects a wrong output length', () => {
    const exact = Float64Array.from([1.5, -(2 ** -149), 3.4028234663852886e38]);
    const out = new Float32Array(3);
    narrowForBinary16Rounding(exact, out);
    expect(Array.from(out)).toEqual(Array.from(exact));
    expect(() => narrowForBinary16Rounding(exact, new Float32Array(2))).toThrow(/out holds 2 values, src 3/);
  });
});
