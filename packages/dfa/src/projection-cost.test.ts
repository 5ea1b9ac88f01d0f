import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { measureProjectionCost } from './projection-cost';

describe('measureProjectionCost (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('both paths agree; counts follow the sizes; nothing leaks', async () => {
    const cost = await t.expectNoLeaks(() => measureProjectionCost({ rows: 200, classes: 10, batch: 16, repeats: 2 }));
    expect(cost.maxRelativeDifference).toBeLessThan(1e-5);
    expect(cost.floatMultiplies).toBe(16 * 200 * 10);
    expect(cost.signMultiplies).toBe(16 * 10);
    // two groups of five classes: 2·32 table entries + 200 outputs × 1 addition, per sample
    expect(cost.signAdditions).toBe(16 * (2 * 32 + 200));
    expect(cost.floatMs).toBeGreaterThan(0);
    expect(cost.signMs).toBeGreaterThan(0);
    await expect(measureProjectionCost({ rows: 0, classes: 10, batch: 1 })).rejects.toThrow(/rows must be a positive integer/);
  });
});
