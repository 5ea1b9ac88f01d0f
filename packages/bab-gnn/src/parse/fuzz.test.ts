// Seeded fuzzing of the .vnnlib and .nnet parsers: mutated and hostile inputs must parse to a
// consistent result or throw an Error naming the file, never another exception, and each input
// must stay within a time and memory budget (DEFAULT_FUZZ_BUDGET: 1 s, 64 MiB + 64 B per input byte).
import { data } from '@nnlab/tensor-gpu';
import { describe, expect, it } from 'vitest';
import type { VerificationSpec } from '../properties/spec';
import { parseNnet } from './nnet';
import { parseVnnlib } from './vnnlib';
import { pick, mutated, runParserFuzz } from '../testing/parser-fuzz.test-helper';
import { tinyNnet } from '../testing/tiny-nnet.test-helper';

// Both formats get the same edits, deep operator nesting included.
const EDITS = { maxSpan: 40, wraps: ['(and ', '(or ', '(+ ', '(* 2 '] };

function checkSpec(spec: VerificationSpec): void {
  expect(spec.regions.length).toBeGreaterThan(0);
  for (const r of spec.regions) {
    expect(r.lower).toHaveLength(spec.inputSize);
    for (let i = 0; i < spec.inputSize; i++) expect(r.lower[i] <= r.upper[i]).toBe(true);
    for (const clause of r.clauses) for (const c of clause) expect(c.coeffs).toHaveLength(spec.outputSize);
  }
}

const io = (inputs: number, outputs: number) =>
  [...Array.from({ length: inputs }, (_, i) => `(declare-const X_${i} Real)`), ...Array.from({ length: outputs }, (_, i) => `(declare-const Y_${i} Real)`)].join('\n');

const VNNLIB_BASES = [
  `${io(2, 3)}\n(assert (>= X_0 -1)) (assert (<= X_0 1.5))\n; comment\n(assert (or (and (>= X_1 0) (< X_1 1)) (and (> X_1 2) (<= X_1 3))))\n(assert (or (and (<= (+ Y_0 (* 2 Y_1)) (- Y_2 1)) (> Y_1 0.5)) (<= Y_2 Y_0)))\n`,
  `${io(5, 5)}\n${Array.from({ length: 5 }, (_, i) => `(assert (>= X_${i} -0.5)) (assert (<= X_${i} 0.5e0))`).join('\n')}\n(assert (and ${Array.from({ length: 12 }, (_, i) => `(or (<= Y_${i % 5} Y_${(i + 1) % 5}) (>= Y_${(i + 2) % 5} Y_${(i + 3) % 5}))`).join(' ')}))\n`,
  `${io(1, 2)}\n(assert (<= X_0 1)) (assert (>= X_0 -1))\n(assert (or ${Array.from({ length: 8 }, () => '(and (<= Y_0 0.1) (< Y_1 -3e-2))').join(' ')}))\n`,
];
const VNNLIB_PIECES = ['(', ')', ' ', '\n', ';', 'and', 'or', '<=', '>=', '<', '>', '+', '-', '*', 'X_0', 'X_1', 'Y_0', 'Y_2', 'X_99999999', '0', '-1.5', '1e400', '1e-400', '0x10', '0b1', 'Infinity', 'NaN', '(assert ', '(declare-const X_2 Real)', '(declare-const Y_7 Real)', '(check-sat)', '.', 'e5', '9'.repeat(60)];

const NNET_BASE = tinyNnet;
const NNET_PIECES = [',', '\n', '//', '0', '1', '-', '.', 'e', '2147483647', '50000000', '4294967297', '1e308', '1e400', '0b101', '0x1f', 'NaN', 'Infinity', '1_0', ' ', '\r\n', '5,2147483647,5,', '3,50000000,1,'];

describe('parser fuzz (seeded, with time and memory budgets)', () => {
  it('VNN-LIB: 1,500 mutated and hostile properties', () => {
    const u = data.createRng(20240601);
    const tally = runParserFuzz({
      trials: 1500,
      input: () => {
        const text = mutated(u, pick(u, VNNLIB_BASES), 4, VNNLIB_PIECES, EDITS);
        return { parse: () => parseVnnlib(text, 'fuzz.vnnlib'), size: text.length, shown: text };
      },
      errorName: /^(Error|DeadlineError)$/,
      errorMessage: /^fuzz\.vnnlib: /,
      check: checkSpec,
    });
    console.info(`vnnlib fuzz: ${JSON.stringify(tally)}`);
    expect(tally.parsed).toBeGreaterThan(5);
    expect(tally.rejected).toBeGreaterThan(500);
  });

  it('.nnet: 1,500 mutated files', () => {
    const u = data.createRng(20240602);
    const tally = runParserFuzz({
      trials: 1500,
      input: () => {
        const text = mutated(u, NNET_BASE, 3, NNET_PIECES, EDITS);
        return { parse: () => parseNnet(text, 'fuzz.nnet'), size: text.length, shown: text };
      },
      errorName: /^Error$/,
      errorMessage: /^fuzz\.nnet: /,
      check: ({ network }) => expect(network.layers[0].inSize).toBe(network.inputSize),
    });
    console.info(`nnet fuzz: ${JSON.stringify(tally)}`);
    expect(tally.parsed).toBeGreaterThan(20);
    expect(tally.rejected).toBeGreaterThan(500);
  });
});
