import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { overflowRate, underflowRate } from './counts';

describe('float16 fate of a gradient (tensor-gpu counts, loss-scale rates)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('counts flushes and overflows as host rounding (roundToFloat16) decides them', async () => {
    await t.expectNoLeaks(async () => {
      const values = [0, -0, 1, 2 ** -25, -(2 ** -25), 2 ** -25 * 1.0001, 2 ** -24, 1e-9, 65504, 65519.9, 65520, -70000, Infinity, NaN, 3e-8, 5e-8];
      const x = t.tensor(values, [values.length]);
      const counts = t.float16StatCounts(x);
      const fate = t.float16StatsFromCounts(values.length, await counts.data());
      const finite = values.filter((v) => Number.isFinite(v));
      const f32 = Float32Array.from(finite);
      expect(fate.nonZero).toBe(values.filter((v) => v !== 0).length);
      expect(fate.underflow).toBe(Array.from(f32).filter((v) => v !== 0 && t.roundToFloat16(v) === 0).length);
      expect(fate.overflow).toBe(Array.from(f32).filter((v) => !Number.isFinite(t.roundToFloat16(v))).length);
      expect(fate.nonFinite).toBe(2);
      const stats = await t.float16Stats(x);
      expect(fate.underflow).toBe(stats.underflow);
      expect(underflowRate(fate)).toBeCloseTo(fate.underflow / fate.nonZero, 12);
      expect(overflowRate(fate)).toBeCloseTo((fate.overflow + 2) / values.length, 12);
      t.dispose([x, counts]);
    });
  });
});
