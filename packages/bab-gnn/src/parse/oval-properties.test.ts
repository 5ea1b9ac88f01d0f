import { describe, expect, it } from 'vitest';
import { readOvalProperties } from '../node/oval';
import { parseOvalProperties } from './oval-properties';

const HEADER = 'row,image_idx,true_label,target_class,eps,eps_pixel,clean_margin,babsr_verdict,babsr_branches,babsr_time_s,gnn_verdict,gnn_branches,gnn_time_s';
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('parseOvalProperties', () => {
  it('reads rows, verdicts, branch counts and times; empty cells stay absent', () => {
    const [p, q] = parseOvalProperties(`${HEADER}\n3,5115,5,8,0.145,0.032625,3.14,verified,1338,966.1,timeout,,3600.2\n7,12,1,0,1e-1,0.0225,,falsified,4,2.5,,,\n`, 't.csv');
    expect(p).toEqual({ row: 3, imageIndex: 5115, label: 5, target: 8, eps: 0.145, cleanMargin: 3.14, recorded: { babsr: { verdict: 'verified', branches: 1338, timeS: 966.1 }, gnn: { verdict: 'timeout', timeS: 3600.2 }, gnn_online: {}, mipplanet: {}, babsr_old: {} } });
    expect(q.eps).toBe(0.1);
    expect(q.cleanMargin).toBeUndefined();
    expect(q.recorded.gnn).toEqual({});
  });

  it('refuses malformed tables, naming the file, line and column', () => {
    const cases: [string, RegExp][] = [
      ['row,image_idx,true_label,eps\n', /^t\.csv: line 1: missing column 'target_class'$/],
      [`${HEADER}\n1,2,3,4\n`, /^t\.csv: line 2: 4 cells, the header has 13$/],
      [`${HEADER}\n1,2,3,3,0.1,,,,,,,,\n`, /^t\.csv: line 2: column 'target_class': equals true_label 3$/],
      [`${HEADER}\n1,2,3,4,-0.1,,,,,,,,\n`, /^t\.csv: line 2: column 'eps': expected a radius in \(0, 1000\], got '-0\.1'$/],
      [`${HEADER}\n1,2,3,4,0x10,,,,,,,,\n`, /^t\.csv: line 2: column 'eps': expected a radius/],
      [`${HEADER}\n1,2,11,4,0.1,,,,,,,,\n`, /^t\.csv: line 2: column 'true_label': expected a class 0\.\.9, got '11'$/],
      [`${HEADER}\n1,2,3,4,0.1,,,maybe,,,,,\n`, /^t\.csv: line 2: column 'babsr_verdict': expected verified, falsified, timeout or empty, got 'maybe'$/],
      [`${HEADER}\n1,2,3,4,0.1,,,verified,1.5,3,,,\n`, /^t\.csv: line 2: column 'babsr_branches': expected an integer ≥ 0, got '1\.5'$/],
      [`${HEADER}\n1,2,3,4,0.1,,,,,,,,\n1,5,3,4,0.1,,,,,,,,\n`, /^t\.csv: line 3: column 'row': 1 appears twice$/],
      ['row,row\n', /^t\.csv: line 1: column 'row' appears twice$/],
      ['', /^t\.csv: empty file/],
    ];
    for (const [text, message] of cases) expect(() => parseOvalProperties(text, 't.csv')).toThrow(message);
    expect(() => parseOvalProperties(`${HEADER}\n${'1,2,3,4,0.1,,,,,,,,\n'.repeat(5)}`, 't.csv', { maxRows: 3 })).toThrow(/^t\.csv: more than the limit of 3 rows$/);
    expect(() => parseOvalProperties('x'.repeat(100), 't.csv', { maxBytes: 50 })).toThrow(/^t\.csv: 100 characters, more than the limit of 50$/);
  });
});

describe('the OVAL property tables of the package', () => {
  it('have the sizes and the recorded means that the data README states (checksums verified)', () => {
    const sizes = { base_easy: 641, base_med: 525, base_hard: 500, base_20: 20, base_100: 100 } as const;
    for (const [suite, n] of Object.entries(sizes)) expect(readOvalProperties(suite as keyof typeof sizes)).toHaveLength(n);
    const easy = readOvalProperties('base_easy');
    // README, "Recorded results": base_easy BaBSR mean time 714.2 s, mean branches 640.1; GNN 320.0 s, 300.2.
    expect(mean(easy.map((p) => p.recorded.babsr.timeS!))).toBeCloseTo(714.2, 1);
    expect(mean(easy.map((p) => p.recorded.babsr.branches!))).toBeCloseTo(640.1, 1);
    expect(mean(easy.map((p) => p.recorded.gnn.timeS!))).toBeCloseTo(320.0, 1);
    expect(mean(easy.map((p) => p.recorded.gnn.branches!))).toBeCloseTo(300.2, 1);
    const hard = readOvalProperties('base_hard');
    expect(hard.filter((p) => p.recorded.babsr.verdict === 'timeout')).toHaveLength(176);
    for (const p of [...easy, ...hard]) expect(p.eps).toBeGreaterThanOrEqual(0.061 - 1e-9);
  });
});
