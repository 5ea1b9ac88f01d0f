import { data } from '@nnlab/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { backwardLowerBound, intermediateBounds } from '../bounds/crown';
import { randomBox, randomNetwork, referenceForward, samplePoint } from '../testing/random-network.test-helper';
import { AlphaRefinePolicy, refineRows } from './alpha-refine';

const TOL = 1e-9;

describe('host α refinement', () => {
  it('raises the selected rows above CROWN (never below), leaves the others bit for bit, and stays below every sampled value and linear bound', () => {
    const sizes = [4, 12, 12, 12, 3];
    let raised = 0;
    for (let seed = 0; seed < 6; seed++) {
      const net = randomNetwork(sizes, 6000 + seed);
      const box = randomBox(4, 6100 + seed, 1.5);
      const layers = intermediateBounds(net, box);
      const u = data.createRng(6200 + seed);
      const m = 3;
      const rows = Float64Array.from({ length: m * 3 }, () => 2 * u() - 1);
      const rowConst = Float64Array.from({ length: m }, () => u() - 0.5);
      const crown = backwardLowerBound(net, box, layers, undefined, net.layers.length - 1, rows, rowConst);
      const [refined] = refineRows(net, [{ box, layers, splits: undefined, rows, rowConst, result: crown, select: [0, 2] }], 5);
      expect(refined.lower[1]).toBe(crown.lower[1]);
      expect(refined.inputCoeffs.subarray(3 * 4, 4 * 4)).toEqual(crown.inputCoeffs.subarray(3 * 4, 4 * 4));
      for (const q of [0, 2]) {
        expect(refined.lower[q]).toBeGreaterThanOrEqual(crown.lower[q]);
        if (refined.lower[q] > crown.lower[q] + 1e-9) raised++;
      }
      for (let p = 0; p < 400; p++) {
        const x = samplePoint(box, u);
        const y = referenceForward(net, x).out;
        for (let q = 0; q < m; q++) {
          const f = y.reduce((acc, v, i) => acc + rows[q * 3 + i] * v, rowConst[q]);
          expect(f).toBeGreaterThanOrEqual(refined.lower[q] - TOL);
          const lin = x.reduce((acc, v, i) => acc + refined.inputCoeffs[q * 4 + i] * v, refined.constant[q]);
          expect(f).toBeGreaterThanOrEqual(lin - refined.margin![q] - TOL);
        }
      }
    }
    expect(raised).toBeGreaterThan(3);
  });

  it('refines several domains together exactly as each alone', () => {
    const net = randomNetwork([4, 12, 12, 3], 6300);
    const u = data.createRng(6301);
    const requests = [0, 1, 2].map((q) => {
      const box = randomBox(4, 6310 + q, 1.5);
      const layers = intermediateBounds(net, box);
      const rows = Float64Array.from({ length: 2 * 3 }, () => 2 * u() - 1);
      const rowConst = Float64Array.from({ length: 2 }, () => u() - 0.5);
      const result = backwardLowerBound(net, box, layers, undefined, net.layers.length - 1, rows, rowConst);
      return { box, layers, splits: undefined, rows, rowConst, result, select: q === 1 ? [] : [q === 0 ? 0 : 1] };
    });
    const together = refineRows(net, requests, 5);
    requests.forEach((request, q) => {
      const [alone] = refineRows(net, [request], 5);
      expect(Array.from(together[q].lower)).toEqual(Array.from(alone.lower));
      expect(Array.from(together[q].inputCoeffs)).toEqual(Array.from(alone.inputCoeffs));
    });
    // A domain with nothing selected comes back as it was.
    expect(together[1]).toBe(requests[1].result);
  });

  it('the policy tries every domain until it has seen refutations, then those near the deepest refuted start, and some others', () => {
    const policy = new AlphaRefinePolicy({ warmup: 2, reach: 1.5, exploreEvery: 4 });
    expect(policy.shouldTry(-100)).toBe(true);
    policy.record(-0.1, -0.05);
    policy.record(-0.02, 0.01);
    expect(policy.shouldTry(-100)).toBe(true);
    policy.record(-0.04, 0.001);
    expect([policy.tried, policy.refuted]).toEqual([3, 2]);
    // Deepest refuted start 0.04: tried down to −0.06.
    expect(policy.shouldTry(-0.059)).toBe(true);
    expect([1, 2, 3, 4].map(() => policy.shouldTry(-0.5))).toEqual([false, false, false, true]);
    expect(() => new AlphaRefinePolicy({ iterations: 0 })).toThrow(/iterations must be an integer ≥ 1/);
    expect(() => new AlphaRefinePolicy({ reach: 0.5 })).toThrow(/reach must be ≥ 1/);
  });
});
