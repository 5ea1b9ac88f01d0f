// Seeded fuzzing of the .vnnlib and .nnet parsers: mutated and hostile inputs must parse to a
// consistent result or throw an Error naming the file, never another exception, and each input
// must stay within a time and memory budget (DEFAULT_FUZZ_BUDGET: 1 s, 64 MiB + 64 B per input byte).
import { data } from '@nnlab/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { measureParse, overBudget } from '../../../../scripts/fuzz-budget.test-helper';
import type { VerificationSpec } from '../properties/spec';
import { parseNnet } from './nnet';
import { parseVnnlib } from './vnnlib';
import { tinyNnet } from '../testing/tiny-nnet.test-helper';

type Rng = () => number;
const pick = <T>(u: Rng, xs: readonly T[]): T => xs[Math.floor(u() * xs.length)];

/** Applies one random edit: replace, insert or delete a token-ish piece, duplicate or cut a span. */
function mutate(u: Rng, text: string, pieces: readonly string[]): string {
  const at = Math.floor(u() * (text.length + 1));
  const len = Math.floor(u() * Math.min(40, text.length - at + 1));
  switch (Math.floor(u() * 6)) {
    case 0:
      return text.slice(0, at) + pick(u, pieces) + text.slice(at + len);
    case 1:
      return text.slice(0, at) + pick(u, pieces) + text.slice(at);
    case 2:
      return text.slice(0, at) + text.slice(at + len);
    case 3: // duplicate a span several times (grows nesting and width)
      return text.slice(0, at) + text.slice(at, at + len).repeat(1 + Math.floor(u() * 50)) + text.slice(at);
    case 4:
      return text.slice(0, at);
    default: // wrap the rest in many operators
      return text.slice(0, at) + pick(u, ['(and ', '(or ', '(+ ', '(* 2 ']).repeat(1 + Math.floor(u() * 200)) + text.slice(at);
  }
}

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
    const tally = { parsed: 0, rejected: 0 };
    for (let trial = 0; trial < 1500; trial++) {
      let text = pick(u, VNNLIB_BASES);
      for (let k = 0, edits = 1 + Math.floor(u() * 4); k < edits; k++) text = mutate(u, text, VNNLIB_PIECES);
      const m = measureParse(() => parseVnnlib(text, 'fuzz.vnnlib'));
      const over = overBudget(m, text.length);
      expect(over, `trial ${trial}: ${over}\n${text.slice(0, 300)}`).toBeNull();
      if (m.error !== undefined) {
        expect(m.error, `trial ${trial}`).toBeInstanceOf(Error);
        expect((m.error as Error).name, `trial ${trial}: ${String(m.error)}`).toMatch(/^(Error|DeadlineError)$/);
        expect((m.error as Error).message, `trial ${trial}`).toMatch(/^fuzz\.vnnlib: /);
        tally.rejected++;
      } else {
        checkSpec(m.result as VerificationSpec);
        tally.parsed++;
      }
    }
    console.info(`vnnlib fuzz: ${JSON.stringify(tally)}`);
    expect(tally.parsed).toBeGreaterThan(5);
    expect(tally.rejected).toBeGreaterThan(500);
  });

  it('.nnet: 1,500 mutated files', () => {
    const u = data.createRng(20240602);
    const tally = { parsed: 0, rejected: 0 };
    for (let trial = 0; trial < 1500; trial++) {
      let text = NNET_BASE;
      for (let k = 0, edits = 1 + Math.floor(u() * 3); k < edits; k++) text = mutate(u, text, NNET_PIECES);
      const m = measureParse(() => parseNnet(text, 'fuzz.nnet'));
      const over = overBudget(m, text.length);
      expect(over, `trial ${trial}: ${over}\n${text.slice(0, 300)}`).toBeNull();
      if (m.error !== undefined) {
        expect((m.error as Error).name, `trial ${trial}: ${String(m.error)}`).toBe('Error');
        expect((m.error as Error).message, `trial ${trial}`).toMatch(/^fuzz\.nnet: /);
        tally.rejected++;
      } else {
        const net = m.result!.network;
        expect(net.layers[0].inSize).toBe(net.inputSize);
        tally.parsed++;
      }
    }
    console.info(`nnet fuzz: ${JSON.stringify(tally)}`);
    expect(tally.parsed).toBeGreaterThan(20);
    expect(tally.rejected).toBeGreaterThan(500);
  });
});
