import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { mlpArchitecture } from '../model/architecture';
import { compareQueueReadback, compareStepTimes, median, timeInterleaved, timeMedian } from './step-time';

describe('step timing (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('median and timeMedian follow their definitions', async () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    let calls = 0;
    const ms = await timeMedian(async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 2));
    }, 5, 2);
    expect(calls).toBe(7);
    expect(ms).toBeGreaterThanOrEqual(1.5);
    const order: string[] = [];
    const timed = await timeInterleaved([async () => void order.push('a'), async () => void order.push('b')], 5, 1);
    expect(order.join('')).toBe('ab'.repeat(6));
    expect(timed).toHaveLength(2);
  });

  it('times packed against sequential steps, frees everything and rejects too few repeats', async () => {
    await t.expectNoLeaks(async () => {
      const rows = await compareStepTimes({ architecture: mlpArchitecture([20, 8, 4]), ks: [1, 3], batchSize: 8, repeats: 5, warmup: 1 });
      expect(rows.map((r) => r.k)).toEqual([1, 3]);
      for (const r of rows) {
        expect(r.sequentialMs).toBeGreaterThan(0);
        expect(r.packedMs).toBeGreaterThan(0);
        expect(r.speedup).toBeCloseTo(r.sequentialMs / r.packedMs, 12);
        expect(r.improvement).toBeCloseTo(1 - r.packedMs / r.sequentialMs, 12);
        expect(r.packedCpuMs).toBeGreaterThan(0);
        expect(r.cpuSpeedup).toBeCloseTo(r.sequentialCpuMs / r.packedCpuMs, 12);
      }
      const q = await compareQueueReadback({ architectures: [mlpArchitecture([20, 8, 4]), mlpArchitecture([20, 6, 6, 4])], batchSize: 8, repeats: 5, warmup: 1 });
      expect(q.ratio).toBeCloseTo(q.readbackEachMs / q.backToBackMs, 12);
    });
    await expect(compareStepTimes({ architecture: mlpArchitecture([4, 2]), repeats: 3 })).rejects.toThrow(/repeats must be an integer ≥ 5/);
  });
});
