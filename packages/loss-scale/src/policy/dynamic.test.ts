import { describe, expect, it } from 'vitest';
import { apexDynamicScaling, dynamicScaling } from './dynamic';
import { noScaling, staticScaling } from './fixed';

/** Scales used by each step of a scripted run (`true` = the step overflows). */
function run(policy: ReturnType<typeof dynamicScaling>, overflows: boolean[]): number[] {
  return overflows.map((overflow) => {
    const used = policy.lossScale();
    policy.endStep(!overflow);
    return used;
  });
}

describe('dynamic loss scaling (Chainer scheme)', () => {
  it('reproduces the reference sequence on a scripted overflow pattern', () => {
    const r = 2 ** (1 / 10);
    // Chainer's update_loss_scale: ×2 until the first overflow, ÷2 on each overflow, then ×2^(1/10).
    const pattern = [false, false, false, false, true, false, false, true, true, false];
    const expected = [1, 2, 4, 8, 16, 8, 8 * r, 8 * r * r, 4 * r * r, 2 * r * r];
    expect(run(dynamicScaling(), pattern)).toEqual(expected);
  });

  it('clamps to [1, maxScale]', () => {
    expect(run(dynamicScaling({ maxScale: 8 }), Array(6).fill(false))).toEqual([1, 2, 4, 8, 8, 8]);
    expect(run(dynamicScaling(), [true, true, false, false])).toEqual([1, 1, 1, 2 ** (1 / 10)]);
  });

  it('rejects bad options', () => {
    expect(() => dynamicScaling({ interval: 0 })).toThrow(/interval must be an integer ≥ 1/);
    expect(() => dynamicScaling({ maxScale: 0.5 })).toThrow(/maxScale/);
  });
});

describe('Apex-style dynamic scaling', () => {
  it('doubles after growthInterval clean steps and halves on overflow (resetting the count)', () => {
    const p = apexDynamicScaling({ initScale: 4, growthInterval: 2 });
    expect(run(p, [false, false, false, true, false, false, false])).toEqual([4, 4, 8, 8, 4, 4, 8]);
  });

  it('rejects an initial scale outside its clamps', () => {
    expect(() => apexDynamicScaling({ initScale: 2 ** 30 })).toThrow(/initScale/);
    expect(() => apexDynamicScaling({ growthInterval: 1.5 })).toThrow(/growthInterval/);
  });
});

describe('fixed policies', () => {
  it('none is 1 and static is S whatever happens; α = 1 for both', () => {
    const s = staticScaling({ scale: 1024 });
    expect(run(s, [true, false, true])).toEqual([1024, 1024, 1024]);
    expect(run(noScaling(), [true, false])).toEqual([1, 1]);
    expect(() => staticScaling({ scale: 0 })).toThrow(/scale must be a finite number > 0/);
  });
});
