import { describe, expect, it } from 'vitest';
import type { Box } from '../bounds/types';
import { bisectBox, canBisect, chooseInputDimension, COEFFICIENT_FLOOR } from './input-split';

const box = (lower: number[], upper: number[]): Box => ({ lower: Float64Array.from(lower), upper: Float64Array.from(upper) });
const region = box([-1, -1], [1, 1]);

describe('chooseInputDimension', () => {
  it('takes the dimension with the largest width × coefficient magnitude (summed over clauses)', () => {
    expect(chooseInputDimension(region, [Float64Array.from([1, -3])], region)).toBe(1);
    expect(chooseInputDimension(box([-1, -1], [1, -0.5]), [Float64Array.from([1, -3])], region)).toBe(0);
    expect(chooseInputDimension(region, [Float64Array.from([1, -0.5]), Float64Array.from([-0.1, 0.9])], region)).toBe(1);
  });

  it('splits a dimension whose coefficient is 0 once the others are 1/floor times narrower, so every width goes to 0', () => {
    // The linear bound ignores x1 (e.g. every path from it relaxed with slope 0): without the
    // floor, x0 would be halved until it could not be split any more.
    const coeffs = [Float64Array.from([2, 0])];
    let b = region;
    const chosen: number[] = [];
    for (let step = 0; step < 60; step++) {
      const dim = chooseInputDimension(b, coeffs, region);
      expect(dim).not.toBeNull();
      chosen.push(dim!);
      b = bisectBox(b, dim!)[0];
    }
    // x1 is split first when x0 is narrower than floor × its width (both coefficients weighed).
    const firstX1 = chosen.indexOf(1);
    expect(firstX1).toBe(Math.ceil(Math.log2(1 / COEFFICIENT_FLOOR)));
    expect(b.upper[0] - b.lower[0]).toBeLessThan(1e-6);
    expect(b.upper[1] - b.lower[1]).toBeLessThan(1e-6);
  });

  it('never chooses a dimension that cannot be halved in float64, and gives null when none can', () => {
    const lo = 0.3;
    const hi = lo + Number.EPSILON * 0.3; // the next float64 above 0.3: no midpoint strictly inside
    expect(hi).toBeGreaterThan(lo);
    const thin = box([lo, -1], [hi, 1]);
    expect(canBisect(thin, 0)).toBe(false);
    expect(chooseInputDimension(thin, [Float64Array.from([1e9, 1e-9])], region)).toBe(1);
    expect(chooseInputDimension(box([lo, 0.5], [hi, 0.5]), [Float64Array.from([1, 1])], region)).toBeNull();
  });

  it('without coefficients (interval bounds), takes the widest dimension relative to the region', () => {
    const wide = box([0, 0], [10, 1]);
    expect(chooseInputDimension(box([0, 0], [2, 0.5]), [Float64Array.from([0, 0])], wide)).toBe(1);
    expect(chooseInputDimension(box([0, 0], [6, 0.5]), [], wide)).toBe(0);
  });

  it('bisects at the midpoint, the halves covering the box', () => {
    const [left, right] = bisectBox(box([0, -1], [1, 1]), 1);
    expect([...left.lower, ...left.upper]).toEqual([0, -1, 1, 0]);
    expect([...right.lower, ...right.upper]).toEqual([0, 0, 1, 1]);
  });
});
