import { data } from '@nnlab/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { randomBox, randomNetwork, referenceForward, samplePoint } from '../testing/random-network.test-helper';
import { boundDomain, linearLowerOn } from './bound-domain';
import { conjunctionBound, type RowLinearBound } from './conjunction-bound';

const TOL = 1e-9;

/** max_j (a_j·x + c_j − slack_j) at x. */
function maxRow(rows: readonly RowLinearBound[], x: ArrayLike<number>): number {
  return Math.max(...rows.map((r) => Array.from(x).reduce((acc, v, i) => acc + r.coeffs[i] * v, r.constant) - r.slack));
}

describe('conjunctionBound', () => {
  it('on 2-input boxes equals the min-max of the rows over a dense grid (to the grid step), and is never below the best single row', () => {
    const u = data.createRng(31);
    for (let trial = 0; trial < 40; trial++) {
      const m = 2 + (trial % 3);
      const rows = Array.from({ length: m }, () => ({ coeffs: Float64Array.from({ length: 2 }, () => 2 * u() - 1), constant: u() - 0.5, slack: 1e-6 * u() }));
      const box = { lower: Float64Array.of(-u(), -u()), upper: Float64Array.of(u(), u()) };
      const joint = conjunctionBound(rows, box);
      expect(joint).not.toBeNull();
      let gridMin = Infinity;
      const steps = 400;
      for (let i = 0; i <= steps; i++) {
        for (let j = 0; j <= steps; j++) {
          const x = [box.lower[0] + ((box.upper[0] - box.lower[0]) * i) / steps, box.lower[1] + ((box.upper[1] - box.lower[1]) * j) / steps];
          gridMin = Math.min(gridMin, maxRow(rows, x));
        }
      }
      // Sound: below the min-max everywhere; tight: within the grid's resolution of it.
      expect(joint!.lower).toBeLessThanOrEqual(gridMin + TOL);
      expect(joint!.lower).toBeGreaterThan(gridMin - 0.02);
      // Never worse than the best row alone (its minimum over the box, at a corner).
      const single = Math.max(...rows.map((r) => r.constant - r.slack + Array.from(r.coeffs).reduce((acc, a, i) => acc + (a >= 0 ? a * box.lower[i] : a * box.upper[i]), 0)));
      expect(joint!.lower).toBeGreaterThanOrEqual(single - 1e-9);
      // The multipliers are a convex combination and the point lies in the box.
      expect(Array.from(joint!.lambda).every((v) => v >= 0)).toBe(true);
      expect(joint!.lambda.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 12);
      joint!.point.forEach((v, i) => expect(v >= box.lower[i] && v <= box.upper[i]).toBe(true));
    }
  });

  it("refutes a clause of two constraints that neither constraint's bound refutes alone", () => {
    // x ≤ 0.1 and −x ≤ 0.1 on [−1, 1]: unsafe only where |x| ≤ 0.1; each row alone reaches −1.1.
    const rows = [
      { coeffs: Float64Array.of(1), constant: 0.1, slack: 0 },
      { coeffs: Float64Array.of(-1), constant: 0.1, slack: 0 },
    ];
    const joint = conjunctionBound(rows, { lower: Float64Array.of(-1), upper: Float64Array.of(1) });
    expect(joint!.lower).toBeGreaterThan(0.1 - 1e-9);
    expect(joint!.lower).toBeLessThanOrEqual(0.1);
  });

  it('through boundDomain and linearLowerOn: clause bounds of two-row clauses stay below every sampled clause value on the box and on sub-boxes', async () => {
    const sizes = [3, 10, 10, 4];
    const net = randomNetwork(sizes, 4100);
    const u = data.createRng(4101);
    let checked = 0;
    let joint = 0;
    for (let trial = 0; trial < 8; trial++) {
      const box = randomBox(3, 4200 + trial, 1);
      // c·y + k ≤ 0 and −c·y + k' ≤ 0: unsafe only where c·y lies in a narrow band, which the
      // rows' separate bounds cannot see and their combination can.
      const coeffs = Float64Array.from({ length: 4 }, () => 2 * u() - 1);
      const clause = [
        { coeffs, constant: 0.02 + 0.05 * u(), strict: false },
        { coeffs: coeffs.map((v) => -v), constant: 0.02 + 0.05 * u(), strict: false },
      ];
      const value = (y: number[]) => Math.max(...clause.map((c) => y.reduce((acc, v, i) => acc + c.coeffs[i] * v, c.constant)));
      const plain = await boundDomain(net, box, undefined, [clause], { method: 'crown', conjunctions: false });
      const b = await boundDomain(net, box, undefined, [clause], { method: 'crown' });
      const cb = b.clauses[0];
      // The combined bound is never below the single rows' bound.
      expect(cb.lower).toBeGreaterThanOrEqual(plain.clauses[0].lower);
      if (cb.lower > plain.clauses[0].lower) joint++;
      for (let c = 0; c < 4; c++) {
        const sub = { lower: Float64Array.from(box.lower), upper: Float64Array.from(box.upper) };
        const i = Math.floor(u() * 3);
        const mid = (box.lower[i] + box.upper[i]) / 2;
        if (c % 2) sub.lower[i] = mid;
        else sub.upper[i] = mid;
        const onSub = linearLowerOn(cb, sub);
        for (let p = 0; p < 300; p++) {
          const y = referenceForward(net, samplePoint(sub, u)).out;
          expect(value(y)).toBeGreaterThanOrEqual(onSub - TOL);
          expect(value(y)).toBeGreaterThanOrEqual(cb.lower - TOL);
          checked++;
        }
      }
    }
    expect(checked).toBe(8 * 4 * 300);
    // The test has to exercise the combination, not only single rows.
    expect(joint).toBeGreaterThan(0);
  });
});
