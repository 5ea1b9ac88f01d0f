import { describe, expect, it } from 'vitest';
import { createNetwork } from '../network/network';
import { freeSplits } from '../bounds/types';
import { babsrScores, createBabsr } from './babsr';
import { ambiguousCandidates, improvement } from './rule';

// 2-2-2-1 network with given bounds; every number below is worked out by hand in the comments.
const net = createNetwork([
  { weights: [[1, -1], [2, 1]], bias: [3, -1] },
  { weights: [[1, -2], [-1, 1]], bias: [0.2, 0.3] },
  { weights: [[1, -1]], bias: [0] },
]);
const bounds = {
  lower: [Float64Array.from([-1, -2]), Float64Array.from([-3, 1])],
  upper: [Float64Array.from([2, 1]), Float64Array.from([1, 4])],
};

describe('BaBSR', () => {
  it('scores match the hand computation', () => {
    // Layer 1 (last ReLU layer): ν̂ = W2ᵀ·1 = [1, −1]. Neuron 0: l = −3, u = 1, d = 1/4,
    // t = 3/4, s_b = max(0.2·1·(−3/4), 0.2·1·1/4) = 0.05, s_t = 0 → 0.05. Neuron 1 is stable.
    // ν = d·ν̂ = [1/4, −1]; W1ᵀν = [1/4 + 1, −1/2 − 1] = [1.25, −1.5].
    // Layer 0: neuron 0: l = −1, u = 2, d = 2/3, s_b = max(3·1.25·(−1/3), 3·1.25·2/3) = 2.5, s_t = 0.
    // Neuron 1: l = −2, u = 1, d = 1/3, t = 2/3, s_b = max(−1·−1.5·(−2/3), −1·−1.5·1/3) = 0.5,
    // s_t = −1.5·2/3 = −1 → |0.5 − 1| = 0.5.
    const { scores, intercepts } = babsrScores(net, bounds, freeSplits([2, 2]), [1]);
    const close = (a: Float64Array, b: number[]) => b.forEach((v, i) => expect(Math.abs(a[i] - v)).toBeLessThan(1e-12));
    close(scores[1], [0.05, 0]);
    close(scores[0], [2.5, 0.5]);
    close(intercepts[1], [0, 0]);
    close(intercepts[0], [0, -1]);
  });

  it('takes the intercept fallback when the best score lies in the sparsest layer, at most twice in a row', () => {
    const rule = createBabsr();
    const splits = freeSplits([2, 2]);
    const picks = Array.from({ length: 4 }, () => rule.decide(net, bounds, splits, [1]));
    // Best score: layer 0 neuron 0 (2.5), in layer 0 → fallback to the most negative s_t (layer 0 neuron 1).
    expect(picks).toEqual([{ layer: 0, index: 1 }, { layer: 0, index: 1 }, { layer: 0, index: 0 }, { layer: 0, index: 1 }]);
  });

  it('takes the argmax when the fallback does not apply, and masks split ReLUs', () => {
    expect(createBabsr({ sparsestLayer: -1 }).decide(net, bounds, freeSplits([2, 2]), [1])).toEqual({ layer: 0, index: 0 });
    const splits = freeSplits([2, 2]);
    splits[0][0] = 1;
    const { scores } = babsrScores(net, bounds, splits, [1]);
    expect(scores[0][0]).toBe(0);
    // No intercept below −1e-4 remains among candidates except layer 0 neuron 1.
    expect(createBabsr({ sparsestLayer: -1 }).decide(net, bounds, splits, [1])).toEqual({ layer: 0, index: 1 });
    expect(ambiguousCandidates(splits, bounds)).toEqual([{ layer: 0, index: 1 }, { layer: 1, index: 0 }]);
  });

  it('falls back to the deepest layer when every score is 0, and returns null without candidates', () => {
    // Objective 0: every score is 0 and every intercept term is 0.
    expect(createBabsr().decide(net, bounds, freeSplits([2, 2]), [0])).toEqual({ layer: 1, index: 0 });
    const all = freeSplits([2, 2]);
    all[0].fill(0);
    all[1][0] = 1;
    expect(createBabsr().decide(net, bounds, all, [1])).toBeNull();
  });
});

describe('improvement metric', () => {
  it('is 1 when both children are proved, 0 when nothing changed, and in [0, 1]', () => {
    expect(improvement(-1, 0.5, 0.2)).toBe(1);
    expect(improvement(-1, -1, -1)).toBe(0);
    expect(improvement(-2, -1, -2)).toBe(0.25);
    expect(improvement(-2, -3, -3)).toBe(0);
    expect(improvement(0.1, -1, -1)).toBe(1);
  });
});
