import { describe, expect, it } from 'vitest';
import { createBabsr } from '../branching/babsr';
import { createStrongBranching } from '../branching/strong';
import { forward, type ReluNetwork } from '../network/network';
import { checkCounterexample } from '../properties/counterexample';
import type { VerificationSpec } from '../properties/spec';
import { randomNetwork } from '../testing/random-network.test-helper';
import { verify, type VerifyOptions } from './verify';

/** Grid minimum of y0 − y1 over [−1, 1]² (the oracle: a dense sample). */
function gridRange(net: ReluNetwork, steps = 150): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i <= steps; i++) {
    for (let j = 0; j <= steps; j++) {
      const y = forward(net, [-1 + (2 * i) / steps, -1 + (2 * j) / steps]);
      min = Math.min(min, y[0] - y[1]);
      max = Math.max(max, y[0] - y[1]);
    }
  }
  return { min, max };
}

/** Unsafe iff y0 − y1 ≤ threshold on the box [−1, 1]². */
function thresholdSpec(threshold: number): VerificationSpec {
  return {
    inputSize: 2,
    outputSize: 2,
    regions: [{ lower: Float64Array.from([-1, -1]), upper: Float64Array.from([1, 1]), clauses: [[{ coeffs: Float64Array.from([1, -1]), constant: -threshold, strict: false }]] }],
  };
}

// Strong branching bounds two children per candidate at every step: fewer networks keep the test short.
const settings: { name: string; seeds: number; options: () => VerifyOptions }[] = [
  { name: 'input splitting', seeds: 4, options: () => ({ splitting: 'input' }) },
  { name: 'input splitting, coefficient score, no α steps', seeds: 4, options: () => ({ splitting: 'input', inputBranching: 'score', refineIterations: 0 }) },
  { name: 'input splitting, strong input branching', seeds: 4, options: () => ({ splitting: 'input', inputBranching: 'strong' }) },
  { name: 'ReLU splitting, BaBSR', seeds: 4, options: () => ({ splitting: 'relu', rule: createBabsr() }) },
  { name: 'ReLU splitting, strong branching', seeds: 2, options: () => ({ splitting: 'relu', rule: createStrongBranching() }) },
];

describe('verify on small random networks against a dense-grid oracle', () => {
  for (const { name, seeds, options } of settings) {
    it(`${name}: proves properties with margin, falsifies violated ones with checked counterexamples`, { timeout: 600_000 }, async () => {
      for (let seed = 0; seed < seeds; seed++) {
        const net = randomNetwork([2, 8, 8, 2], 40 + seed);
        const { min, max } = gridRange(net);
        const margin = 0.1 * (max - min);
        const safe = await verify(net, thresholdSpec(min - margin), { ...options(), timeout: 30, attack: { restarts: 3, steps: 20 } });
        expect(safe.status).toBe('holds');
        // Without attacks, falsification rests on the bound minimisers alone: for ReLU splitting that
        // can take hundreds of branches (seconds of CPU), so the limit leaves room for a loaded machine.
        const unsafe = await verify(net, thresholdSpec(min + margin), { ...options(), timeout: 120, attack: false });
        expect(unsafe.status).toBe('violated');
        const cex = unsafe.counterexample!;
        expect(checkCounterexample(net, thresholdSpec(min + margin), cex.input)).not.toBeNull();
        const y = forward(net, cex.input);
        expect(y[0] - y[1]).toBeLessThanOrEqual(min + margin);
      }
    });
  }

  it('is deterministic: the same inputs give the same verdict and branch count', async () => {
    const net = randomNetwork([2, 8, 8, 2], 77);
    const { min, max } = gridRange(net, 60);
    const spec = thresholdSpec(min - 0.02 * (max - min));
    const a = await verify(net, spec, { splitting: 'relu', timeout: 60, maxBranches: 40 });
    const b = await verify(net, spec, { splitting: 'relu', timeout: 60, maxBranches: 40 });
    expect([a.status, a.stats.branches]).toEqual([b.status, b.stats.branches]);
  });

  it('rejects bad options and mismatched properties', async () => {
    const net = randomNetwork([2, 4, 2], 1);
    await expect(verify(net, thresholdSpec(0), { timeout: -1 })).rejects.toThrow(/timeout must be > 0/);
    await expect(verify(net, thresholdSpec(0), { splitting: 'x' as 'input' })).rejects.toThrow(/splitting must be 'input' or 'relu'/);
    await expect(verify(net, thresholdSpec(0), { inputBranching: 'x' as 'score' })).rejects.toThrow(/inputBranching must be 'relaxation', 'score' or 'strong'/);
    await expect(verify(net, thresholdSpec(0), { refineIterations: -1 })).rejects.toThrow(/refineIterations must be an integer ≥ 0/);
    await expect(verify(net, thresholdSpec(0), { escalateAfterBranches: -1 })).rejects.toThrow(/escalateAfterBranches must be ≥ 0/);
    await expect(verify(net, thresholdSpec(0), { escalatedRestarts: 1.5 })).rejects.toThrow(/escalatedRestarts must be an integer/);
    await expect(verify(randomNetwork([3, 4, 2], 1), thresholdSpec(0))).rejects.toThrow(/the property has 2 inputs, the network 3/);
  });

  it('stops with timeout at the branch limit instead of guessing', async () => {
    const net = randomNetwork([2, 16, 16, 2], 3);
    const { min, max } = gridRange(net, 60);
    const r = await verify(net, thresholdSpec(min - 0.001 * (max - min)), { maxBranches: 2, attack: false });
    expect(['timeout', 'holds']).toContain(r.status);
    if (r.status === 'timeout') expect(r.stats.branches).toBeGreaterThanOrEqual(2);
  });
});
