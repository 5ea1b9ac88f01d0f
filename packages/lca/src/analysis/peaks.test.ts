import * as t from '@nnlab/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { findPeaks, peakSynchronization } from './peaks';

function noise(length: number, seed: number): number[] {
  const rng = t.data.createRng(seed);
  return Array.from({ length }, () => rng() * 0.2 - 0.1);
}

describe('synchronised peaks', () => {
  it('finds strict local maxima of −a above the median', () => {
    const a = [0, -1, 0, 0, -3, -2, 0, 0, -0.5, 0].map((x) => x);
    expect(findPeaks(a, { peakWindow: 1 })).toEqual([1, 4, 8]);
    expect(findPeaks(a, { peakWindow: 2 })).toEqual([1, 4, 8]);
    expect(findPeaks(a, { peakWindow: 1, peakThreshold: 1 })).toEqual([4]);
  });

  it('planted common peaks are far above the circular-shift baseline; independent ones are not', () => {
    const length = 300;
    const common = Array.from({ length: 30 }, (_, k) => 5 + 10 * k);
    const synced = [1, 2, 3].map((s) => {
      const x = noise(length, s);
      for (const p of common) x[p] -= 2;
      return x;
    });
    const r = peakSynchronization(synced, { shuffles: 300, seed: 1 });
    expect(r.observed).toBeGreaterThan(r.baseline + 3 * r.baselineStd);
    expect(r.pValue).toBeLessThan(0.01);
    expect(r.sharedPeakIterations).toBeGreaterThanOrEqual(common.length);
    const independent = [4, 5, 6].map((s) => noise(length, s));
    const q = peakSynchronization(independent, { shuffles: 300, seed: 1 });
    expect(Math.abs(q.observed - q.baseline)).toBeLessThan(4 * q.baselineStd + 0.02);
  });
});
