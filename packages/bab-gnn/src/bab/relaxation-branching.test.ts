import { data } from '@nnlab/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { backwardLowerBound, intermediateBounds } from '../bounds/crown';
import { createNetwork } from '../network/network';
import { randomBox, randomNetwork, referenceForward } from '../testing/random-network.test-helper';
import { chooseInputDimensionByRelaxation, relaxationLooseness, relaxationShares } from './relaxation-branching';

describe('relaxation-guided input branching', () => {
  it("the summed looseness bounds the CROWN gap at the bound's own minimiser (forward pass of the network there)", () => {
    const sizes = [4, 12, 12, 12, 3];
    let nonTrivial = 0;
    for (let seed = 0; seed < 10; seed++) {
      const net = randomNetwork(sizes, 5000 + seed);
      const box = randomBox(4, 5100 + seed, 1.5);
      const layers = intermediateBounds(net, box);
      const u = data.createRng(5200 + seed);
      const row = Float64Array.from({ length: 3 }, () => 2 * u() - 1);
      const crown = backwardLowerBound(net, box, layers, undefined, net.layers.length - 1, row, Float64Array.of(0));
      // The corner that minimises CROWN's linear bound, and the true objective there.
      const x = Array.from(box.lower, (l, i) => (crown.inputCoeffs[i] >= 0 ? l : box.upper[i]));
      const f = referenceForward(net, x).out.reduce((acc, v, i) => acc + row[i] * v, 0);
      const loose = relaxationLooseness(net, layers, row).reduce((acc, l) => acc + l.reduce((a, v) => a + v, 0), 0);
      // f(x) − (a·x + c) is a sum over ambiguous ReLUs of |ν|·(relaxation gap), each at most its looseness.
      expect(f - crown.lower[0]).toBeLessThanOrEqual(loose + 1e-8);
      expect(loose).toBeGreaterThanOrEqual(0);
      if (loose > 0) nonTrivial++;
    }
    expect(nonTrivial).toBeGreaterThan(5);
  });

  it('picks the input that drives the ambiguous ReLUs, not the one with the largest linear coefficient', () => {
    // y = 10·x1 + relu(x0) − relu(−x0): x1 enters linearly (through an always-active ReLU),
    // x0 only through the two ReLUs that are ambiguous on the box. Splitting x1 never tightens the bound.
    const net = createNetwork([
      { weights: [[1, 0], [-1, 0], [0, 1]], bias: [0, 0, 5] },
      { weights: [[1, -1, 10]], bias: [0] },
    ]);
    const box = { lower: Float64Array.of(-1, -1), upper: Float64Array.of(1, 1) };
    const layers = intermediateBounds(net, box);
    const scores = relaxationShares(net, box, layers, [Float64Array.of(1)])!;
    expect(scores[0]).toBeGreaterThan(0);
    expect(scores[1]).toBe(0);
    expect(chooseInputDimensionByRelaxation(net, box, layers, [Float64Array.of(1)])).toBe(0);
    // With every ReLU stable (x0 ≥ 0.5) nothing loosens the bound: no choice, the caller falls back.
    const stable = { lower: Float64Array.of(0.5, -1), upper: Float64Array.of(1, 1) };
    expect(chooseInputDimensionByRelaxation(net, stable, intermediateBounds(net, stable), [Float64Array.of(1)])).toBeNull();
  });

  it('never picks a dimension that cannot be halved in float64', () => {
    const net = createNetwork([
      { weights: [[1, 1e-30], [-1, 1e-30]], bias: [0, 0] },
      { weights: [[1, 1]], bias: [0] },
    ]);
    const x0 = 0.25;
    const box = { lower: Float64Array.of(x0, -1), upper: Float64Array.of(x0 + 2 ** -54, 1) }; // one float step above x0
    const layers = { lower: [Float64Array.of(-1, -1)], upper: [Float64Array.of(1, 1)] };
    // Dimension 0 carries almost all of the share, but its interval is a single float step.
    const scores = relaxationShares(net, box, layers, [Float64Array.of(1)])!;
    expect(box.upper[0]).toBeGreaterThan(box.lower[0]);
    expect(scores[0]).toBeGreaterThan(1000 * scores[1]);
    expect(chooseInputDimensionByRelaxation(net, box, layers, [Float64Array.of(1)])).toBe(1);
  });
});
