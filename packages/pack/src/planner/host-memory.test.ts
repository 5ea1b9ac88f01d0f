import { freemem } from 'node:os';
import { describe, expect, it } from 'vitest';
import { hostMemoryBudget } from './host-memory';

describe('hostMemoryBudget', () => {
  it('is the given fraction of the free host memory', () => {
    const before = freemem();
    const half = hostMemoryBudget();
    const after = freemem();
    // Free memory moves while the test runs; the budget lies between half of the two readings (with 5% slack).
    expect(half).toBeGreaterThan(0.45 * Math.min(before, after));
    expect(half).toBeLessThan(0.55 * Math.max(before, after));
    expect(hostMemoryBudget(1)).toBeGreaterThan(half);
    expect(() => hostMemoryBudget(0)).toThrow(/fraction must be in \(0, 1\]/);
    expect(() => hostMemoryBudget(NaN)).toThrow(/fraction/);
  });
});
