import { describe, expect, it } from 'vitest';
import type { OvalProperty } from '../parse/oval-properties';
import type { OvalRun } from './oval-run';
import { compareOval } from './oval-summary';

const prop = (row: number, babsr: [string, number, number], gnn: [string, number, number]): OvalProperty => ({
  row,
  imageIndex: row,
  label: 0,
  target: 1,
  eps: 0.1,
  recorded: { babsr: { verdict: babsr[0] as 'verified', timeS: babsr[1], branches: babsr[2] }, gnn: { verdict: gnn[0] as 'verified', timeS: gnn[1], branches: gnn[2] }, gnn_online: {}, mipplanet: {}, babsr_old: {} },
});
const run = (row: number, rule: string, status: OvalRun['status'], timeS: number, branches: number): OvalRun => ({ row, rule, status, timeS, branches, boundCalls: branches });

describe('compareOval', () => {
  it('counts solved runs within the limit, means over the right sets, ratios on rows both rules solved, the reference cut at our limit', () => {
    const properties = [prop(0, ['verified', 100, 40], ['verified', 50, 10]), prop(1, ['verified', 400, 90], ['verified', 80, 30]), prop(2, ['verified', 10, 4], ['timeout', 3600, NaN]), prop(9, ['verified', 1, 1], ['verified', 1, 1])];
    const runs = [run(0, 'babsr', 'holds', 20, 100), run(0, 'gnn', 'holds', 10, 40), run(1, 'babsr', 'timeout', 300, 900), run(1, 'gnn', 'holds', 200, 60), run(2, 'babsr', 'holds', 30, 20), run(2, 'gnn', 'holds', 60, 10)];
    const c = compareOval(properties, runs, 300);
    expect(c.ours.babsr).toEqual({ properties: 3, solved: 2, timeouts: 1, meanTimeS: (20 + 300 + 30) / 3, meanBranches: 60 });
    expect(c.ours.gnn).toEqual({ properties: 3, solved: 3, timeouts: 0, meanTimeS: 90, meanBranches: (40 + 60 + 10) / 3 });
    // Row 9 was not run: it does not count; row 1's reference BaBSR (400 s) is past our 300 s.
    expect(c.reference.babsr).toEqual({ properties: 3, solved: 2, timeouts: 1, meanTimeS: (100 + 300 + 10) / 3, meanBranches: 22 });
    expect(c.reference.gnn.solved).toBe(2);
    expect(c.oursRatio).toEqual({ bothSolved: 2, time: (10 + 60) / 2 / ((20 + 30) / 2), branches: (40 + 10) / 2 / ((100 + 20) / 2) });
    expect(c.referenceRatio).toEqual({ bothSolved: 1, time: 0.5, branches: 0.25 });
  });
});

describe('compareOval under a limit the search enforces (CPU seconds)', () => {
  it('counts a verdict as solved whatever its time, and cuts the reference at the limit', () => {
    const properties = [prop(0, ['verified', 100, 40], ['verified', 50, 10]), prop(1, ['verified', 40, 90], ['verified', 20, 30])];
    // Times are CPU seconds; row 1's BaBSR verdict came one step past the 60 s check.
    const runs = [run(0, 'babsr', 'holds', 30, 100), run(0, 'gnn', 'holds', 10, 40), run(1, 'babsr', 'holds', 60.2, 90), run(1, 'gnn', 'timeout', 61, 50)];
    const byVerdict = compareOval(properties, runs, 60, { solvedByVerdict: true });
    expect(byVerdict.ours.babsr.solved).toBe(2);
    expect(byVerdict.ours.gnn).toEqual({ properties: 2, solved: 1, timeouts: 1, meanTimeS: (10 + 60) / 2, meanBranches: 40 });
    expect(byVerdict.oursRatio).toEqual({ bothSolved: 1, time: 10 / 30, branches: 40 / 100 });
    expect(byVerdict.reference.babsr.solved).toBe(1);
    // The wall-clock reading of the same runs drops the verdict past the limit.
    expect(compareOval(properties, runs, 60).ours.babsr.solved).toBe(1);
  });
});
