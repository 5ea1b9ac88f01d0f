// Statistics of quantised tensors.
import { describe, expect, it } from 'vitest';
import { distinctMagnitudes, groupStats, magnitudeEntropy, symbolEntropy, tensorStats } from './stats';

describe('statistics of symbols', () => {
  it('entropy: 0 for a constant stream, 1 bit for a fair coin, log₂ k for k equally likely symbols', () => {
    expect(symbolEntropy([3, 3, 3])).toBe(0);
    expect(symbolEntropy([0, 1, 0, 1])).toBe(1);
    expect(symbolEntropy([0, 1, 2, 3, 4, 5, 6, 7])).toBe(3);
    expect(symbolEntropy([])).toBe(0);
  });

  it('a ternary tensor has one distinct magnitude and zero magnitude entropy', () => {
    const s = Int32Array.of(0, 5, -5, 0, 0, 5, -5, 0);
    expect(distinctMagnitudes(s)).toBe(1);
    expect(magnitudeEntropy(s)).toBe(0);
    const stats = tensorStats({ kind: 'uniform', name: 'w', shape: [8], scale: 0.1, symbols: s });
    expect(stats).toEqual({ name: 'w', size: 8, zeros: 4, sparsity: 0.5, distinctMagnitudes: 1, entropyBits: 1.5, magnitudeEntropyBits: 0 });
  });

  it('group statistics weight each tensor by its size (and its non-zeros for magnitudes)', () => {
    const a = tensorStats({ kind: 'uniform', name: 'a', shape: [4], scale: 1, symbols: Int32Array.of(0, 0, 0, 1) });
    const b = tensorStats({ kind: 'uniform', name: 'b', shape: [4], scale: 1, symbols: Int32Array.of(1, 2, 3, 4) });
    const g = groupStats([a, b]);
    expect(g.size).toBe(8);
    expect(g.sparsity).toBe(3 / 8);
    expect(g.maxDistinctMagnitudes).toBe(4);
    expect(g.entropyBits).toBeCloseTo((4 * a.entropyBits + 4 * 2) / 8, 12);
    expect(g.magnitudeEntropyBits).toBeCloseTo((1 * 0 + 4 * 2) / 5, 12);
  });
});
