import { describe, expect, it } from 'vitest';
import { nullSpacePerturbation, randomMlp, randomValues, relativeError, transposed } from '../testing/mlp.test-helper';
import { mlpForwardFloat64, mlpLossFloat64, mlpUpdatesFloat64, type Float64Mlp } from './float64-mlp';

const labelsOf = (n: number, c: number) => Array.from({ length: n }, (_, i) => (i * 7 + 3) % c);

function perturbed(net: Float64Mlp, layer: number, index: number, h: number): Float64Mlp {
  const weights = net.weights.map((w, l) => (l === layer ? Float64Array.from(w, (v, i) => (i === index ? v + h : v)) : w));
  return { ...net, weights };
}

describe('float64 reference of the DFA/BP updates', () => {
  const n = 6;
  for (const activation of ['tanh', 'relu'] as const) {
    it(`BP gradients match central finite differences (${activation})`, () => {
      const net = randomMlp([5, 7, 6, 4], 11, activation);
      const x = randomValues(n * 5, 12);
      const labels = labelsOf(n, 4);
      const bp = mlpUpdatesFloat64(net, x, labels, { rules: ['bp', 'bp'], feedback: [null, null] });
      const h = 1e-6;
      for (let l = 0; l < 3; l++) {
        const numeric = Array.from(net.weights[l], (_, i) => (mlpLossFloat64(perturbed(net, l, i, h), x, labels) - mlpLossFloat64(perturbed(net, l, i, -h), x, labels)) / (2 * h));
        expect(relativeError(bp.weightGrads[l], numeric)).toBeLessThan(1e-6);
      }
    });
  }

  it('one hidden layer with B₁ := W₂ᵀ: the DFA update equals BP’s to 1e-9 relative', () => {
    const net = randomMlp([9, 13, 5], 21);
    const x = randomValues(n * 9, 22);
    const labels = labelsOf(n, 5);
    const bp = mlpUpdatesFloat64(net, x, labels, { rules: ['bp'], feedback: [null] });
    const dfa = mlpUpdatesFloat64(net, x, labels, { rules: ['dfa'], feedback: [transposed(net.weights[1], 5, 13)] });
    for (let l = 0; l < 2; l++) {
      expect(relativeError(dfa.weightGrads[l], bp.weightGrads[l])).toBeLessThanOrEqual(1e-9);
      expect(relativeError(dfa.biasGrads[l], bp.biasGrads[l])).toBeLessThanOrEqual(1e-9);
    }
    // With two hidden layers the same choice is not BP any more: the test above can fail.
    const deep = randomMlp([9, 13, 11, 5], 23);
    const bpDeep = mlpUpdatesFloat64(deep, x, labels, { rules: ['bp', 'bp'], feedback: [null, null] });
    const dfaDeep = mlpUpdatesFloat64(deep, x, labels, { rules: ['dfa', 'dfa'], feedback: [randomValues(13 * 5, 24), transposed(deep.weights[2], 5, 11)] });
    expect(relativeError(dfaDeep.weightGrads[1], bpDeep.weightGrads[1])).toBeLessThanOrEqual(1e-9);
    expect(relativeError(dfaDeep.weightGrads[0], bpDeep.weightGrads[0])).toBeGreaterThan(1e-2);
  });

  it('the output-layer update equals BP’s in every mode', () => {
    const net = randomMlp([8, 10, 9, 3], 31);
    const x = randomValues(n * 8, 32);
    const labels = labelsOf(n, 3);
    const b = [randomValues(30, 33), randomValues(27, 34)];
    const bp = mlpUpdatesFloat64(net, x, labels, { rules: ['bp', 'bp'], feedback: [null, null] });
    const modes = [
      { rules: ['dfa', 'dfa'] as const, feedback: b },
      { rules: ['dfa', 'dfa'] as const, feedback: b.map((m) => m.map((v) => (v >= 0 ? 0.3 : -0.3))) },
      { rules: ['bp', 'dfa'] as const, feedback: [null, b[1]] },
      { rules: ['bp', 'dfa'] as const, feedback: [null, b[1]], boundaryFeed: 'bp-delta' as const },
    ];
    for (const mode of modes) {
      const u = mlpUpdatesFloat64(net, x, labels, mode);
      expect(Array.from(u.weightGrads[2])).toEqual(Array.from(bp.weightGrads[2]));
      expect(Array.from(u.biasGrads[2])).toEqual(Array.from(bp.biasGrads[2]));
    }
  });

  it('a DFA layer’s update does not change when W_{l+1} is perturbed (same output error), BP’s does', () => {
    const net = randomMlp([8, 10, 9, 3], 41);
    const x = randomValues(n * 8, 42);
    const labels = labelsOf(n, 3);
    const rules = { rules: ['dfa', 'dfa'] as const, feedback: [randomValues(30, 43), randomValues(27, 44)] };
    // Perturb W₂ (layer 1, [9, 10]) only in directions orthogonal to this batch's h₁, so the forward
    // pass and hence e stay the same: layer 0's DFA update depends on e, a₀ and x only.
    const { h } = mlpForwardFloat64(net, x, n);
    const p = nullSpacePerturbation(h[1], n, 10, 9, 45);
    const moved = { ...net, weights: [net.weights[0], net.weights[1].map((v, i) => v + p[i]), net.weights[2]] };
    expect(relativeError(moved.weights[1], net.weights[1])).toBeGreaterThan(0.1);
    const before = mlpUpdatesFloat64(net, x, labels, rules);
    const after = mlpUpdatesFloat64(moved, x, labels, rules);
    expect(relativeError(after.error, before.error)).toBeLessThan(1e-12);
    expect(relativeError(after.weightGrads[0], before.weightGrads[0])).toBeLessThan(1e-12);
    const bp = { rules: ['bp', 'bp'] as const, feedback: [null, null] };
    const bpBefore = mlpUpdatesFloat64(net, x, labels, bp);
    const bpAfter = mlpUpdatesFloat64(moved, x, labels, bp);
    expect(relativeError(bpAfter.weightGrads[0], bpBefore.weightGrads[0])).toBeGreaterThan(1e-2);
  });
});
