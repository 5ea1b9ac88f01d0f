import { describe, expect, it } from 'vitest';
import type { OvalProperty, OvalRun } from '@nnlab/bab-gnn';
import * as t from '@nnlab/tensor-gpu';
import { quietContext } from './context.test-helper';
import { measureOval, parseBranchingList, parseOvalBounding, parseOvalSuite, type MeasuredOvalRun } from './verify-oval';
import { judgeOval, renderOval } from './verify-oval-report';

const property = (row: number, babsrTime: number, gnnTime: number): OvalProperty => ({
  row,
  imageIndex: 100 + row,
  label: 3,
  target: 5,
  eps: 0.1,
  recorded: { babsr: { verdict: 'verified', timeS: babsrTime, branches: 500 }, gnn: { verdict: 'verified', timeS: gnnTime, branches: 200 }, gnn_online: {}, mipplanet: {}, babsr_old: {} },
});
const run = (row: number, rule: string, status: OvalRun['status'], timeS: number, branches: number, cpuS?: number): MeasuredOvalRun => ({ row, rule, status, timeS, branches, boundCalls: branches, ...(cpuS === undefined ? {} : { cpuS }) });

describe('nnlab verify --suite', () => {
  it('parses the suite names and rule lists, refusing others with what was expected', () => {
    expect(parseOvalSuite('oval-base-easy')).toBe('oval-base-easy');
    expect(() => parseOvalSuite('oval-wide')).toThrow("expected one of oval-base-easy, oval-base-med, oval-base-hard, oval-20, oval-100, got 'oval-wide'");
    expect(parseBranchingList('gnn,babsr')).toEqual(['gnn', 'babsr']);
    expect(() => parseBranchingList('babsr,babsr')).toThrow(/each once/);
    expect(() => parseBranchingList('random')).toThrow("expected a comma-separated list of babsr, gnn, strong (each once), got 'random'");
    expect(parseOvalBounding('alpha-beta')).toBe('alpha-beta');
    expect(() => parseOvalBounding('lp')).toThrow("expected one of alpha, alpha-beta, got 'lp'");
  });

  it('judges against the reference cut at the same limit and renders both tables with every row', () => {
    const settings = { suite: 'oval-base-easy', timeout: 300, rules: ['babsr', 'gnn'] };
    const measured = { properties: [property(0, 900, 60), property(1, 250, 100)], runs: [run(0, 'babsr', 'holds', 120, 800), run(0, 'gnn', 'holds', 60, 300), run(1, 'babsr', 'timeout', 300, 2000), run(1, 'gnn', 'holds', 280, 900)] };
    const { comparison, summary } = judgeOval(measured, settings);
    expect(summary[0]).toEqual({ metric: 'oval-base-easy: babsr solved (300 s)', value: '1/2', reference: 'reference BaBSR 1/2 within 300 s on the same rows' });
    expect(summary[1].value).toBe('2/2');
    expect(comparison.oursRatio).toEqual({ bothSolved: 1, time: 0.5, branches: 300 / 800 });
    const html = renderOval(measured, settings, comparison).map((s) => s.html).join('');
    expect(html).toContain('<td>ours: gnn</td><td>2/2</td>');
    expect(html).toContain('<td>reference: babsr</td><td>1/2</td>');
    expect(html).toContain('<td>101</td><td>3→5</td>');
    const none = judgeOval({ properties: measured.properties, runs: measured.runs.filter((r) => r.row === 1) }, settings);
    expect(none.summary.at(-1)).toEqual({ metric: 'oval-base-easy: GNN/BaBSR', value: 'no property solved by both' });
  });

  it('under --cpu-timeout judges CPU seconds, counts every verdict as solved and cuts the reference at the same seconds', () => {
    const settings = { suite: 'oval-base-easy', timeout: 3600, cpuTimeout: 60, rules: ['babsr', 'gnn'] };
    // Wall times above the CPU limit (a busy machine); CPU times within it.
    const measured = { properties: [property(0, 50, 40), property(1, 250, 100)], runs: [run(0, 'babsr', 'holds', 200, 800, 40), run(0, 'gnn', 'holds', 150, 400, 20), run(1, 'babsr', 'timeout', 300, 2000, 60.4), run(1, 'gnn', 'holds', 280, 900, 55)] };
    const { comparison, summary } = judgeOval(measured, settings);
    expect(summary[0]).toEqual({ metric: 'oval-base-easy: babsr solved (60 CPU s)', value: '1/2', reference: 'reference BaBSR 1/2 within 60 s on the same rows' });
    expect(summary[1].value).toBe('2/2');
    expect(comparison.oursRatio).toEqual({ bothSolved: 1, time: 0.5, branches: 0.5 });
    expect(renderOval(measured, settings, comparison).map((s) => s.html).join('')).toContain('<th>gnn CPU (s)</th>');
    const noCpu = { properties: measured.properties, runs: measured.runs.map(({ cpuS: _, ...r }) => r) };
    expect(() => judgeOval(noCpu, settings)).toThrow('judgeOval: row 0 babsr has no CPU time, needed under --cpu-timeout');
  });

  it('stops a real OVAL property at its CPU-seconds limit, far inside the wall-clock one; refuses the limit with --redis', async () => {
    await t.setBackend('cpu');
    const ctx = quietContext(1, false, '.');
    await expect(measureOval(ctx, { suite: 'oval-base-easy', timeout: 60, cpuTimeout: 1, rules: ['babsr'], redis: 'redis://127.0.0.1:1' })).rejects.toThrow(
      'verify: --cpu-timeout counts the CPU time of this process and cannot be used with --redis',
    );
    // base_easy row 0 takes BaBSR about 7 CPU seconds to prove: at 1 CPU second it must stop.
    const m = await measureOval(ctx, { suite: 'oval-base-easy', limit: 1, timeout: 100, cpuTimeout: 1, rules: ['babsr'] });
    expect(m.runs.map((r) => [r.row, r.rule, r.status])).toEqual([[0, 'babsr', 'timeout']]);
    expect(m.runs[0].cpuS).toBeGreaterThanOrEqual(1);
    expect(m.runs[0].cpuS).toBeLessThan(15);
    expect(m.runs[0].timeS).toBeLessThan(50);
  }, 120_000);
});
