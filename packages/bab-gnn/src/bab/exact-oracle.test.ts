// Soundness against an exact oracle: seeded random small ReLU networks with weights in 1/8 steps,
// properties written as VNN-LIB text with strict and non-strict constraints, open and closed input
// ends, several input boxes, and constants placed exactly at the network's value at a point (ties).
// The oracle decides each property exactly (activation patterns × Fourier–Motzkin over the
// rationals); the verifier may answer timeout or unknown, but never the wrong verdict, and every
// counterexample it gives must be one for the oracle too.
import { data } from '@nnlab/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { createBabsr } from '../branching/babsr';
import { createNetwork } from '../network/network';
import { parseVnnlib } from '../parse/vnnlib';
import { add, clauseSatisfiable, evaluate, fromFloat, isCounterexample, mul, neg, q, toFloat, type ExactConstraint, type ExactNet, type ExactRegion, type Q } from '../testing/exact-oracle.test-helper';
import { verify, type VerifyOptions } from './verify';

/** The exact decimal text of a rational whose denominator is a power of two. */
function decimal(a: Q): string {
  let digits = 0;
  let d = a.d;
  while (d > 1n) {
    d /= 2n;
    digits++;
  }
  const scaled = (a.n < 0n ? -a.n : a.n) * 5n ** BigInt(digits); // a = scaled / 10^digits
  const text = scaled.toString().padStart(digits + 1, '0');
  const whole = digits ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
  return `${a.n < 0n ? '-' : ''}${whole}`;
}

interface Instance {
  net: ExactNet;
  regions: { region: ExactRegion; clauses: ExactConstraint[][] }[];
  text: string;
}

function makeInstance(seed: number): Instance {
  const u = data.createRng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(u() * (hi - lo + 1));
  const n = int(1, 2);
  const m = int(1, 2);
  const sizes = [n, ...(u() < 0.5 ? [3, 3] : [4, 2]), m];
  const net: ExactNet = { layers: [] };
  for (let k = 0; k + 1 < sizes.length; k++) {
    net.layers.push({ w: Array.from({ length: sizes[k + 1] }, () => Array.from({ length: sizes[k] }, () => q(int(-12, 12), 8))), b: Array.from({ length: sizes[k + 1] }, () => q(int(-8, 8), 8)) });
  }
  const regions: Instance['regions'] = [];
  const lines = [...Array.from({ length: n }, (_, i) => `(declare-const X_${i} Real)`), ...Array.from({ length: m }, (_, i) => `(declare-const Y_${i} Real)`)];
  const disjuncts: string[] = [];
  for (let r = 0, count = u() < 0.7 ? 1 : 2; r < count; r++) {
    const lower = Array.from({ length: n }, () => q(int(-4, 0), 4));
    const upper = lower.map((l) => add(l, q(int(1, 4), 4)));
    const region: ExactRegion = { lower, upper, lowerOpen: lower.map(() => u() < 0.3), upperOpen: upper.map(() => u() < 0.3) };
    const clauses: ExactConstraint[][] = [];
    // The exact outputs on a grid of the box (1/16 of its width): constants are placed at the grid
    // minimum of each constraint, so that ties and near-ties are common.
    const grid: Q[][] = [];
    const steps = Array.from({ length: 17 }, (_, k) => q(k, 16));
    for (const a of steps) for (const b of n === 2 ? steps : [q(0)]) {
      grid.push(evaluate(net, lower.map((l, i) => add(l, mul(add(upper[i], neg(l)), i === 0 ? a : b)))));
    }
    for (let c = 0, cc = u() < 0.7 ? 1 : 2; c < cc; c++) {
      const clause: ExactConstraint[] = [];
      for (let j = 0, jj = int(1, 2); j < jj; j++) {
        const coeffs = Array.from({ length: m }, () => q(int(-2, 2)));
        if (coeffs.every((v) => v.n === 0n)) coeffs[0] = q(1);
        const values = grid.map((y) => coeffs.reduce((s, v, o) => add(s, mul(v, y[o])), q(0)));
        const min = values.reduce((a, b) => (a.n * b.d < b.n * a.d ? a : b));
        // c·y + d ≤ 0 ⇔ c·y ≤ min − offset: a tie at a grid point (0), a margin either way.
        const offset = [q(0), q(0), q(1, 16), q(-1, 16), q(1, 256), q(1, 4)][int(0, 5)];
        clause.push({ c: coeffs, d: add(neg(min), offset), strict: u() < 0.5 });
      }
      clauses.push(clause);
    }
    regions.push({ region, clauses });
    const box = Array.from({ length: n }, (_, i) => `(${region.lowerOpen[i] ? '>' : '>='} X_${i} ${decimal(lower[i])}) (${region.upperOpen[i] ? '<' : '<='} X_${i} ${decimal(upper[i])})`).join(' ');
    const ors = clauses.map((clause) => `(and ${clause.map((con) => `(${con.strict ? '<' : '<='} (+ ${con.c.map((v, o) => `(* ${decimal(v)} Y_${o})`).join(' ')} ${decimal(con.d)}) 0)`).join(' ')})`).join(' ');
    disjuncts.push(`(and ${box} (or ${ors}))`);
  }
  lines.push(`(assert (or ${disjuncts.join(' ')}))`);
  return { net, regions, text: `${lines.join('\n')}\n` };
}

const MODES: { name: string; options: () => VerifyOptions }[] = [
  { name: 'input', options: () => ({ splitting: 'input' }) },
  { name: 'relu', options: () => ({ splitting: 'relu', rule: createBabsr() }) },
];

describe('verify against an exact oracle on random small networks', () => {
  it('never gives a wrong verdict or a false counterexample (strict and non-strict, ties, open ends, several boxes)', async () => {
    const tally: Record<string, number> = {};
    let decided = 0;
    let runs = 0;
    const instances = 150;
    for (let seed = 0; seed < instances; seed++) {
      const inst = makeInstance(1000 + seed);
      const truth = inst.regions.some(({ region, clauses }) => clauses.some((clause) => clauseSatisfiable(inst.net, region, clause))) ? 'violated' : 'holds';
      const net = createNetwork(inst.net.layers.map((l) => ({ weights: l.w.map((row) => row.map(toFloat)), bias: l.b.map(toFloat) })));
      const spec = parseVnnlib(inst.text, `random-${seed}.vnnlib`);
      for (const mode of MODES) {
        const r = await verify(net, spec, { ...mode.options(), timeout: 0.5, attack: { restarts: 3, steps: 20 } });
        runs++;
        const key = `${mode.name}: ${truth} → ${r.status}`;
        tally[key] = (tally[key] ?? 0) + 1;
        if (r.status === 'holds' || r.status === 'violated') {
          decided++;
          expect(r.status, `seed ${seed}, ${mode.name}\n${inst.text}`).toBe(truth);
        }
        if (r.status === 'violated') {
          const x = Array.from(r.counterexample!.input, fromFloat);
          const confirmed = inst.regions.some(({ region, clauses }) => clauses.some((clause) => isCounterexample(inst.net, region, clause, x)));
          expect(confirmed, `seed ${seed}: counterexample ${x.map(toFloat)}`).toBe(true);
        }
      }
    }
    console.info(`exact-oracle soundness: ${JSON.stringify(tally)}`);
    // Not vacuous: most instances are decided.
    expect(decided / runs).toBeGreaterThan(0.5);
  }, 300_000);
});
