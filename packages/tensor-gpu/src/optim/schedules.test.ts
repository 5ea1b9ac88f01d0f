import { describe, expect, it } from 'vitest';
import { constantLr, multiStepLr, perEpoch, stepLr } from './schedules';

describe('learning-rate schedules', () => {
  it('constantLr', () => {
    const s = constantLr(0.3);
    expect([0, 1, 1000].map(s)).toEqual([0.3, 0.3, 0.3]);
  });

  it('stepLr decays by gamma every stepSize counts (PyTorch StepLR)', () => {
    const s = stepLr(1, { stepSize: 3, gamma: 0.5 });
    expect([0, 1, 2, 3, 5, 6, 9].map(s)).toEqual([1, 1, 1, 0.5, 0.5, 0.25, 0.125]);
    expect(stepLr(0.1, { stepSize: 1 })(2)).toBeCloseTo(0.001, 12);
  });

  it('multiStepLr decays at each milestone reached (PyTorch MultiStepLR)', () => {
    const s = multiStepLr(0.8, { milestones: [2, 5], gamma: 0.5 });
    expect([0, 1, 2, 4, 5, 100].map(s)).toEqual([0.8, 0.8, 0.4, 0.4, 0.2, 0.2]);
    expect(multiStepLr(1, { milestones: [] })(7)).toBe(1);
  });

  it('perEpoch drives an epoch schedule by steps', () => {
    const s = perEpoch(stepLr(1, { stepSize: 2, gamma: 0.1 }), 10);
    expect(s(0)).toBe(1);
    expect(s(19)).toBe(1);
    expect(s(20)).toBeCloseTo(0.1, 12);
  });

  it('validates its arguments', () => {
    expect(() => stepLr(0.1, { stepSize: 0 })).toThrow(/stepSize must be a positive integer/);
    expect(() => multiStepLr(0.1, { milestones: [3, 3] })).toThrow(/increasing/);
    expect(() => constantLr(-1)).toThrow(/value must be a finite number ≥ 0/);
    expect(() => stepLr(0.1, { stepSize: 2 })(-1)).toThrow(/non-negative integer/);
    expect(() => perEpoch(constantLr(1), 0)).toThrow(/stepsPerEpoch/);
  });
});
