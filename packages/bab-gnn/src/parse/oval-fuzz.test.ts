// Seeded fuzzing of the OVAL model and property-table parsers: mutated and hostile inputs must
// parse to a consistent result or throw an Error naming the file, never another exception, and
// each input must stay within the time and memory budget of the other parsers' fuzz tests.
import { describe, expect, it } from 'vitest';
import { measureParse, overBudget } from '../../../../scripts/fuzz-budget.test-helper';
import { data } from '@nnlab/tensor-gpu';
import { tinyOvalJson, tinyOvalWeights } from '../testing/tiny-oval.test-helper';
import { parseOvalModel } from './oval-model';
import { parseOvalProperties } from './oval-properties';

type Rng = () => number;
const pick = <T>(u: Rng, xs: readonly T[]): T => xs[Math.floor(u() * xs.length)];

/** Replaces, inserts or deletes a piece, duplicates a span, or cuts the text. */
function mutate(u: Rng, text: string, pieces: readonly string[]): string {
  const at = Math.floor(u() * (text.length + 1));
  const len = Math.floor(u() * Math.min(30, text.length - at + 1));
  switch (Math.floor(u() * 5)) {
    case 0:
      return text.slice(0, at) + pick(u, pieces) + text.slice(at + len);
    case 1:
      return text.slice(0, at) + pick(u, pieces) + text.slice(at);
    case 2:
      return text.slice(0, at) + text.slice(at + len);
    case 3:
      return text.slice(0, at) + text.slice(at, at + len).repeat(1 + Math.floor(u() * 50)) + text.slice(at);
    default:
      return text.slice(0, at);
  }
}

const JSON_PIECES = ['0', '1', '-1', '4', '16777216', '99999999', '1e9', '1.5', 'null', '[]', '{}', '"relu"', '"conv2d"', '"linear"', '"flatten"', '[1, 1, 3, 3]', '[100000, 100000]', '[0, 0]', '[4000000, 4000000, 1]', ',', '"', ':', '[', ']', '{', '}', 'NaN', 'true'];
const CSV_PIECES = [',', '\n', '\r\n', '0', '9', '10', '-1', '0.1', '1e400', '0x1f', 'NaN', 'Infinity', 'verified', 'falsified', 'timeout', 'maybe', '', 'row', 'eps', '999999999999999'];
const CSV_BASE = 'row,image_idx,true_label,target_class,eps,eps_pixel,clean_margin,babsr_verdict,babsr_branches,babsr_time_s,gnn_verdict,gnn_branches,gnn_time_s\n0,5115,5,8,0.145,0.032625,3.14,verified,1338,966.1,verified,166,62.8\n1,1238,1,4,0.177,0.039825,4.73,verified,498,601.8,timeout,,3600.1\n';

describe('OVAL parser fuzz (seeded, with time and memory budgets)', () => {
  it('model: 1,500 mutated JSON descriptions and weight files', () => {
    const u = data.createRng(20261206);
    const base = JSON.stringify(tinyOvalJson(), null, 1);
    const tally = { parsed: 0, rejected: 0 };
    for (let trial = 0; trial < 1500; trial++) {
      let text = base;
      for (let k = 0, edits = 1 + Math.floor(u() * 3); k < edits; k++) text = mutate(u, text, JSON_PIECES);
      let weights = tinyOvalWeights();
      if (u() < 0.3) weights = weights.slice(0, Math.floor(u() * weights.length));
      else if (u() < 0.3) weights[Math.floor(u() * weights.length)] = Math.floor(u() * 256);
      const m = measureParse(() => parseOvalModel(text, weights, { json: 'fuzz.json', weights: 'fuzz.bin' }));
      const over = overBudget(m, text.length + weights.length);
      expect(over, `trial ${trial}: ${over}\n${text.slice(0, 300)}`).toBeNull();
      if (m.error !== undefined) {
        expect((m.error as Error).name, `trial ${trial}: ${String(m.error)}`).toBe('Error');
        expect((m.error as Error).message, `trial ${trial}`).toMatch(/^fuzz\.(json|bin): /);
        tally.rejected++;
      } else {
        const net = m.result!.network;
        expect(net.layers[0].inSize).toBe(net.inputSize);
        tally.parsed++;
      }
    }
    console.info(`oval model fuzz: ${JSON.stringify(tally)}`);
    // Some mutants must still parse (their checks above then run), most must be refused.
    expect(tally.parsed).toBeGreaterThanOrEqual(10);
    expect(tally.rejected).toBeGreaterThan(500);
  });

  it('property tables: 1,500 mutated CSV files', () => {
    const u = data.createRng(20261207);
    const tally = { parsed: 0, rejected: 0 };
    for (let trial = 0; trial < 1500; trial++) {
      let text = CSV_BASE;
      for (let k = 0, edits = 1 + Math.floor(u() * 3); k < edits; k++) text = mutate(u, text, CSV_PIECES);
      const m = measureParse(() => parseOvalProperties(text, 'fuzz.csv'));
      const over = overBudget(m, text.length);
      expect(over, `trial ${trial}: ${over}\n${text.slice(0, 300)}`).toBeNull();
      if (m.error !== undefined) {
        expect((m.error as Error).name, `trial ${trial}: ${String(m.error)}`).toBe('Error');
        expect((m.error as Error).message, `trial ${trial}`).toMatch(/^fuzz\.csv: /);
        tally.rejected++;
      } else {
        for (const p of m.result!) {
          expect(p.target).not.toBe(p.label);
          expect(p.eps).toBeGreaterThan(0);
        }
        tally.parsed++;
      }
    }
    console.info(`oval csv fuzz: ${JSON.stringify(tally)}`);
    expect(tally.parsed).toBeGreaterThan(20);
    expect(tally.rejected).toBeGreaterThan(500);
  });
});
