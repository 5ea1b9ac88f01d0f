import { describe, expect, it } from 'vitest';
import type { Experiment } from './experiment';
import { fakeTiers } from './experiments/context.test-helper';
import { planRun, planText, remainingMs, startLine } from './plan';

const experiment = (id: string, seconds: number): Experiment => ({
  id, title: id.toUpperCase(), description: '', tiers: fakeTiers(seconds, 100 * seconds), options: { size: { type: 'string', description: '' } },
  run: async () => ({ summary: [], sections: [], data: null }),
});
const list = [experiment('a', 10), experiment('b', 20), experiment('c', 30)];
const options = { seed: 1, quick: false, full: false, values: {} };

describe('run plan', () => {
  it('takes each experiment’s expected duration from its tier', () => {
    expect(planRun(list, options).map((p) => [p.tier, p.expectedMs])).toEqual([['default', 10_000], ['default', 20_000], ['default', 30_000]]);
    expect(planRun(list, { ...options, full: true }).map((p) => p.expectedMs)).toEqual([1_000_000, 2_000_000, 3_000_000]);
  });

  it('has no estimate for --quick, nor where the experiment’s own options change the work', () => {
    expect(planRun(list, { ...options, quick: true })[0]).toMatchObject({ tier: 'quick', expectedMs: null, noEstimate: '--quick is not timed' });
    const [a] = planRun([list[0]], { ...options, values: { size: 3 } });
    expect(a).toMatchObject({ expectedMs: null, noEstimate: '--size changes the work' });
  });

  it('prints the total before the run and warns when the machine is busier than its cores', () => {
    const plan = planRun(list, options);
    const quiet = planText(plan, { loadAverage: 0.5, cpuCount: 2 });
    expect(quiet).toMatch(/^nnlab: 3 experiments, expected about 1m00s on the reference machine/);
    expect(quiet).toMatch(/2\/3\s+b\s+default\s+20\.0s\s+made up for a test/);
    expect(quiet).not.toContain('load average');
    expect(planText(plan, { loadAverage: 6.2, cpuCount: 2 })).toContain("This machine's load average is 6.2 on 2 CPUs");
    const partly = planRun([list[0], list[1], { ...list[2], options: {} }], { ...options, values: { size: 1 } });
    expect(planText(partly, { loadAverage: 0, cpuCount: 2 })).toMatch(/^nnlab: 3 experiments, expected about 30\.0s plus 2 experiments without an estimate on the reference machine/);
    expect(planText(planRun(list, { ...options, quick: true }), { loadAverage: 0, cpuCount: 2 })).toMatch(/^nnlab: 3 experiments, no expected duration:/);
  });

  it('scales the time left by the pace of the experiments done so far', () => {
    const plan = planRun(list, options);
    expect(remainingMs(plan, 0, [])).toBe(60_000);
    // The first took twice its 10 s; weighed against a minute at the reference pace, the pace is
    // (20 + 60) / (10 + 60) = 8/7, so the other 50 s are expected to take 57.1 s.
    expect(remainingMs(plan, 1, [20_000])).toBeCloseTo((50_000 * 8) / 7, 6);
    // Two done at twice their 30 s: (60 + 60) / (30 + 60) = 4/3 of the last 30 s.
    expect(remainingMs(plan, 2, [20_000, 40_000])).toBeCloseTo(40_000, 6);
    // A long run at twice the pace approaches twice the rest: (2 × 600 + 60) / (600 + 60) of it.
    const long = planRun([experiment('x', 600), experiment('y', 100)], options);
    expect(remainingMs(long, 1, [1_200_000])).toBeCloseTo((100_000 * 1260) / 660, 6);
    expect(remainingMs(plan, 3, [20_000, 40_000, 60_000])).toBeNull();
    expect(startLine(plan, 1, [20_000])).toBe('== [2/3] b: B (default tier, expected 20.0s; overall 20.0s elapsed, about 57.1s left)');
  });
});
