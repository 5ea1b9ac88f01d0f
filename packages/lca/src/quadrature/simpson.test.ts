import { describe, expect, it } from 'vitest';
import { SimpsonSums, simpsonWeights } from './simpson';

describe('composite Simpson weights', () => {
  it('follow [1, 4, 2, 4, …, 4, 1] / (3n) and sum to 1', () => {
    expect(Array.from(simpsonWeights(2))).toEqual([1 / 6, 4 / 6, 1 / 6]);
    for (const n of [2, 4, 8, 16, 32]) {
      const w = simpsonWeights(n);
      expect(w.length).toBe(n + 1);
      expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
      expect(w[1] * 3 * n).toBeCloseTo(4, 12);
      if (n > 2) expect(w[2] * 3 * n).toBeCloseTo(2, 12);
    }
    expect(() => simpsonWeights(3)).toThrow(/even/);
  });

  it('the running sums reproduce Σ w_j g(j/n) at every level, and integrate cubics exactly', () => {
    const f = (s: number) => Float64Array.of(1 + 2 * s - 3 * s * s + 4 * s ** 3, Math.exp(s));
    const sums = new SimpsonSums(2);
    sums.begin(f(0), f(1));
    const k = new Float64Array(2);
    for (let n = 2; n <= 32; n *= 2) {
      if (n > 2) sums.refine();
      for (let j = 1; j < n; j += 2) sums.addOdd(f(j / n));
      sums.integrate(n, k);
      const w = simpsonWeights(n);
      const direct = [0, 1].map((c) => w.reduce((acc, wj, j) => acc + wj * f(j / n)[c], 0));
      expect(k[0]).toBeCloseTo(direct[0], 13);
      expect(k[1]).toBeCloseTo(direct[1], 13);
      expect(Math.abs(k[0] - (1 + 1 - 1 + 1))).toBeLessThan(1e-14); // ∫₀¹ of the cubic = 2
    }
    expect(Math.abs(k[1] - (Math.E - 1))).toBeLessThan(2e-8); // h⁴·e/180 with h = 1/32
  });
});
