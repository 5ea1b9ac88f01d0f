import { describe, expect, it } from 'vitest';
import { erf, erfinv } from './erfinv';

describe('erf and erfinv (float64)', () => {
  it('erf matches published values (Abramowitz & Stegun table 7.1)', () => {
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 14);
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 14);
    expect(erf(2)).toBeCloseTo(0.9953222650189527, 14);
    expect(erf(3)).toBeCloseTo(0.9999779095030014, 14);
    expect(erf(-1)).toBeCloseTo(-0.8427007929497149, 14);
  });

  it('erfinv inverts erf across (-1, 1)', () => {
    for (const p of [-0.999, -0.5, -1e-3, 1e-9, 1e-3, 0.1, 0.5, 0.9, 0.999, 0.999999]) {
      expect(erf(erfinv(p))).toBeCloseTo(p, 12);
    }
  });

  it('√2·erfinv(1e-3) = 1.2533e-3, the constant of the spec', () => {
    expect(Math.SQRT2 * erfinv(1e-3)).toBeCloseTo(1.2533e-3, 7);
  });

  it('rejects arguments outside (-1, 1)', () => {
    for (const bad of [1, -1, 2, NaN]) expect(() => erfinv(bad)).toThrow(/erfinv: p must be a number in \(-1, 1\)/);
  });
});
