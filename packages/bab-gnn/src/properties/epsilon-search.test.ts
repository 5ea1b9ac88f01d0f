import { describe, expect, it } from 'vitest';
import { verify } from '../bab/verify';
import { randomNetwork, referenceForward } from '../testing/random-network.test-helper';
import { searchEpsilon } from './epsilon-search';
import { robustnessSpec } from './robustness';

const x = [0.4, 0.6];
const classes = 3;

/** Smallest margin y_label − y_other on a dense grid of the clipped ball (reference forward pass). */
function gridMargin(net: ReturnType<typeof randomNetwork>, label: number, radius: number, steps = 60): number {
  let min = Infinity;
  const lo = x.map((v) => Math.max(0, v - radius));
  const hi = x.map((v) => Math.min(1, v + radius));
  for (let i = 0; i <= steps; i++) {
    for (let j = 0; j <= steps; j++) {
      const p = [lo[0] + ((hi[0] - lo[0]) * i) / steps, lo[1] + ((hi[1] - lo[1]) * j) / steps];
      const y = referenceForward(net, p).out;
      for (let c = 0; c < classes; c++) if (c !== label) min = Math.min(min, y[label] - y[c]);
    }
  }
  return min;
}

describe('searchEpsilon', () => {
  const net = randomNetwork([2, 10, 10, classes], 7);
  const y = referenceForward(net, x).out;
  const label = y.indexOf(Math.max(...y));

  it('brackets ε between a radius proven by an independent search and one with a replayed counterexample', async () => {
    const r = await searchEpsilon(net, x, label, classes, { maxRadius: 1, bisections: 10, attack: { restarts: 5, steps: 30, seed: 1 } });
    expect(r.proven).toBeGreaterThan(0);
    expect(r.attacked).toBeGreaterThan(r.proven);
    expect(r.epsilon).toBe(r.proven + 0.25 * (r.attacked - r.proven));
    // The lower radius holds: input splitting with interval bounds (not CROWN) proves it, and a dense grid agrees.
    const held = await verify(net, robustnessSpec(x, label, r.proven, classes), { method: 'ibp', timeout: 20 });
    expect(held.status).toBe('holds');
    expect(gridMargin(net, label, r.proven)).toBeGreaterThan(0);
    // The upper radius is violated: the counterexample lies in its ball and, replayed, another class wins.
    const cex = r.counterexample;
    expect(cex).not.toBeNull();
    cex!.input.forEach((v, i) => {
      expect(v).toBeGreaterThanOrEqual(Math.max(0, x[i] - r.attacked));
      expect(v).toBeLessThanOrEqual(Math.min(1, x[i] + r.attacked));
    });
    const out = referenceForward(net, Array.from(cex!.input)).out;
    expect(Math.max(...out.filter((_, c) => c !== label))).toBeGreaterThanOrEqual(out[label] - 1e-12);
  });

  it('reports no counterexample when the attack never succeeds', async () => {
    const r = await searchEpsilon(net, x, label, classes, { maxRadius: 1e-6, bisections: 3 });
    expect(r.counterexample).toBeNull();
    expect(r.attacked).toBe(1e-6);
  });

  it('rejects bad settings', async () => {
    await expect(searchEpsilon(net, x, label, classes, { maxRadius: 0 })).rejects.toThrow(/maxRadius/);
    await expect(searchEpsilon(net, x, label, classes, { bisections: 1.5 })).rejects.toThrow(/bisections/);
    await expect(searchEpsilon(net, x, label, classes, { fraction: 2 })).rejects.toThrow(/fraction/);
  });
});
