// Seeded fuzzing of the OVAL model and property-table parsers: mutated and hostile inputs must
// parse to a consistent result or throw an Error naming the file, never another exception, and
// each input must stay within the time and memory budget of the other parsers' fuzz tests.
import { describe, expect, it } from 'vitest';
import { data } from '@nnlab/tensor-gpu';
import { mutated, runParserFuzz } from '../testing/parser-fuzz.test-helper';
import { tinyOvalJson, tinyOvalWeights } from '../testing/tiny-oval.test-helper';
import { parseOvalModel } from './oval-model';
import { parseOvalProperties } from './oval-properties';

const EDITS = { maxSpan: 30 };

const JSON_PIECES = ['0', '1', '-1', '4', '16777216', '99999999', '1e9', '1.5', 'null', '[]', '{}', '"relu"', '"conv2d"', '"linear"', '"flatten"', '[1, 1, 3, 3]', '[100000, 100000]', '[0, 0]', '[4000000, 4000000, 1]', ',', '"', ':', '[', ']', '{', '}', 'NaN', 'true'];
const CSV_PIECES = [',', '\n', '\r\n', '0', '9', '10', '-1', '0.1', '1e400', '0x1f', 'NaN', 'Infinity', 'verified', 'falsified', 'timeout', 'maybe', '', 'row', 'eps', '999999999999999'];
const CSV_BASE = 'row,image_idx,true_label,target_class,eps,eps_pixel,clean_margin,babsr_verdict,babsr_branches,babsr_time_s,gnn_verdict,gnn_branches,gnn_time_s\n0,5115,5,8,0.145,0.032625,3.14,verified,1338,966.1,verified,166,62.8\n1,1238,1,4,0.177,0.039825,4.73,verified,498,601.8,timeout,,3600.1\n';

describe('OVAL parser fuzz (seeded, with time and memory budgets)', () => {
  it('model: 1,500 mutated JSON descriptions and weight files', () => {
    const u = data.createRng(20261206);
    const base = JSON.stringify(tinyOvalJson(), null, 1);
    const tally = runParserFuzz({
      trials: 1500,
      input: () => {
        const text = mutated(u, base, 3, JSON_PIECES, EDITS);
        let weights = tinyOvalWeights();
        if (u() < 0.3) weights = weights.slice(0, Math.floor(u() * weights.length));
        else if (u() < 0.3) weights[Math.floor(u() * weights.length)] = Math.floor(u() * 256);
        return { parse: () => parseOvalModel(text, weights, { json: 'fuzz.json', weights: 'fuzz.bin' }), size: text.length + weights.length, shown: text };
      },
      errorName: /^Error$/,
      errorMessage: /^fuzz\.(json|bin): /,
      check: ({ network }) => expect(network.layers[0].inSize).toBe(network.inputSize),
    });
    console.info(`oval model fuzz: ${JSON.stringify(tally)}`);
    // Some mutants must still parse (their checks above then run), most must be refused.
    expect(tally.parsed).toBeGreaterThanOrEqual(10);
    expect(tally.rejected).toBeGreaterThan(500);
  });

  it('property tables: 1,500 mutated CSV files', () => {
    const u = data.createRng(20261207);
    const tally = runParserFuzz({
      trials: 1500,
      input: () => {
        const text = mutated(u, CSV_BASE, 3, CSV_PIECES, EDITS);
        return { parse: () => parseOvalProperties(text, 'fuzz.csv'), size: text.length, shown: text };
      },
      errorName: /^Error$/,
      errorMessage: /^fuzz\.csv: /,
      check: (properties) => {
        for (const p of properties) {
          expect(p.target).not.toBe(p.label);
          expect(p.eps).toBeGreaterThan(0);
        }
      },
    });
    console.info(`oval csv fuzz: ${JSON.stringify(tally)}`);
    expect(tally.parsed).toBeGreaterThan(20);
    expect(tally.rejected).toBeGreaterThan(500);
  });
});
