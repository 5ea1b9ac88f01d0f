import { describe, expect, it } from 'vitest';
import { adaptiveScale, powerOfTwoFloor } from './adaptive';
import { NO_CAPS } from './options';

// The spec's Linear layer 512×512, batch 128, W ~ N(0, 2/512), G Gaussian (std σ_g) with half its
// entries zero: in expectation m_W = 2/512 and m_G = σ_g²/2. Maxima: a few standard deviations.
function specStats(gradStd: number) {
  return {
    gradMeanSquare: gradStd ** 2 / 2,
    weightMeanSquare: 2 / 512,
    gradAbsMax: 4.5 * gradStd,
    weightAbsMax: 4.5 * Math.sqrt(2 / 512),
    reduction: 512,
  };
}

describe('adaptiveScale (float64 formula)', () => {
  it('σ_g = 1e-6: unbounded α = 67.7, floored to 64 without caps, 16 with the per-layer cap', () => {
    const free = adaptiveScale(specStats(1e-6), NO_CAPS);
    expect(free.unbounded).toBeCloseTo(67.7, 1);
    expect(free.alpha).toBe(64);
    expect(adaptiveScale(specStats(1e-6), { scaleUpperBound: 16, accumUpperBound: 1024 }).alpha).toBe(16);
  });

  it('σ_g = 1e-5 gives 4 with or without caps; σ_g = 1e-7 gives 512 without caps (unbounded ≈ 677)', () => {
    expect(adaptiveScale(specStats(1e-5)).alpha).toBe(4);
    expect(adaptiveScale(specStats(1e-5), NO_CAPS).alpha).toBe(4);
    const tiny = adaptiveScale(specStats(1e-7), NO_CAPS);
    expect(tiny.unbounded).toBeCloseTo(677, 0);
    expect(tiny.alpha).toBe(512);
  });

  it('follows the formula step by step (independent evaluation)', () => {
    const s = { gradMeanSquare: 3e-10, weightMeanSquare: 0.01, gradAbsMax: 1e-4, weightAbsMax: 0.4, reduction: 300, previousScale: 8 };
    const sigma = Math.sqrt(3e-10 * 0.01) * Math.sqrt(0.5 * 300);
    const uf = 6e-8 / (1.2533141373155e-3 * sigma);
    const r = adaptiveScale(s, NO_CAPS);
    expect(r.sigma).toBeCloseTo(sigma, 18);
    expect(r.underflowBound / uf).toBeCloseTo(1, 6);
    expect(r.overflowBound).toBeCloseTo(65504 / 300 / (1e-4 * 0.4), 6);
    expect(r.alpha).toBe(2 ** Math.floor(Math.log2(Math.min(uf, r.overflowBound))));
  });

  it('the overflow bound wins over the underflow bound: α·N·max|G|·max|W| ≤ 65504', () => {
    const s = { gradMeanSquare: 1e-6, weightMeanSquare: 1e-10, gradAbsMax: 10, weightAbsMax: 1, reduction: 64 };
    const r = adaptiveScale(s, NO_CAPS);
    expect(r.alpha).toBeLessThan(r.underflowBound);
    expect(r.alpha * 64 * 10 * 1).toBeLessThanOrEqual(65504);
    expect(r.alpha).toBe(64);
  });

  it('the accumulated cap bounds α·s_prev by AB; σ = 0 gives α = 1', () => {
    const r = adaptiveScale({ ...specStats(1e-7), previousScale: 256 }, { scaleUpperBound: 65504, accumUpperBound: 1024 });
    expect(r.alpha).toBe(4);
    expect(r.alpha * 256).toBeLessThanOrEqual(1024);
    expect(adaptiveScale({ gradMeanSquare: 0, weightMeanSquare: 1, gradAbsMax: 0, weightAbsMax: 1, reduction: 5 }).alpha).toBe(1);
  });

  it('without the power-of-two floor α is the capped bound itself', () => {
    expect(adaptiveScale(specStats(1e-6), { ...NO_CAPS, powerOfTwo: false }).alpha).toBeCloseTo(67.7, 1);
  });

  it('rejects bad statistics and options with the argument named', () => {
    expect(() => adaptiveScale({ ...specStats(1e-6), reduction: 0 })).toThrow(/stats.reduction must be a positive integer/);
    expect(() => adaptiveScale({ ...specStats(1e-6), gradMeanSquare: NaN })).toThrow(/stats.gradMeanSquare/);
    expect(() => adaptiveScale({ ...specStats(1e-6), previousScale: 0 })).toThrow(/previousScale/);
    expect(() => adaptiveScale(specStats(1e-6), { underflowRate: 1 })).toThrow(/underflowRate must be in \(0, 1\)/);
    expect(() => adaptiveScale(specStats(1e-6), { scaleUpperBound: -1 })).toThrow(/scaleUpperBound/);
    expect(() => adaptiveScale(specStats(1e-6), { uMin: 1e5 })).toThrow(/uMin/);
  });
});

describe('powerOfTwoFloor', () => {
  it('is exact at and around powers of two', () => {
    for (let k = -30; k <= 30; k++) {
      const p = 2 ** k;
      expect(powerOfTwoFloor(p)).toBe(p);
      expect(powerOfTwoFloor(p * (1 + 2 ** -50))).toBe(p);
      expect(powerOfTwoFloor(p * (1 - 2 ** -50))).toBe(p / 2);
    }
    expect(powerOfTwoFloor(67.7)).toBe(64);
    expect(() => powerOfTwoFloor(0)).toThrow(/x must be a finite number > 0/);
  });
});
