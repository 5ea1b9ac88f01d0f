import { describe, expect, it } from 'vitest';
import { readAcasXuProperty } from '../node/acasxu';
import { acasXuData, requirePresent } from '../testing/shared-data.test-helper';
import { nextDown, nextUp, parseDecimal, ratToString } from '../exact/rational';
import { parseVnnlib } from './vnnlib';

const data = acasXuData();

const header = `(declare-const X_0 Real)
(declare-const X_1 Real)
(declare-const Y_0 Real)
(declare-const Y_1 Real)
(declare-const Y_2 Real)
`;

describe('parseVnnlib', () => {
  it('reads boxes, linear terms and disjunctions into regions of clauses', () => {
    const spec = parseVnnlib(`${header}
(assert (>= X_0 -1)) (assert (<= X_0 1.5))
; a comment
(assert (or (and (>= X_1 0) (<= X_1 1)) (and (>= X_1 2) (<= X_1 3))))
(assert (or (and (<= (+ Y_0 (* 2 Y_1)) (- Y_2 1)) (> Y_1 0.5)) (<= Y_2 Y_0)))
`);
    expect(spec.inputSize).toBe(2);
    expect(spec.outputSize).toBe(3);
    expect(spec.regions.map((r) => [Array.from(r.lower), Array.from(r.upper)])).toEqual([
      [[-1, 0], [1.5, 1]],
      [[-1, 2], [1.5, 3]],
    ]);
    const [clauseA, clauseB] = spec.regions[0].clauses;
    // y0 + 2·y1 − (y2 − 1) ≤ 0 and 0.5 − y1 < 0
    expect(clauseA.map((c) => [Array.from(c.coeffs), c.constant, c.strict])).toEqual([
      [[1, 2, -1], 1, false],
      [[0, -1, 0], 0.5, true],
    ]);
    expect(clauseB.map((c) => [Array.from(c.coeffs), c.constant])).toEqual([[[-1, 0, 1], 0]]);
  });

  it('rejects malformed files with the line of the problem', () => {
    expect(() => parseVnnlib(`${header}(assert (<= X_0 1)`)).toThrow(/line 6: '\(' is never closed/);
    expect(() => parseVnnlib(`${header}(assert (<= X_0 1)))`)).toThrow(/line 6: unmatched '\)'/);
    expect(() => parseVnnlib(`${header}(assert (<= X_0 abc))`)).toThrow(/line 6: expected a decimal number or a variable/);
    expect(() => parseVnnlib(`${header}(assert (<= X_7 1))`)).toThrow(/line 6: X_7 is used before its declare-const/);
    expect(() => parseVnnlib(`${header}(assert (<= (* X_0 Y_0) 1))`)).toThrow(/line 6: only products with constants/);
    expect(() => parseVnnlib(`${header}(assert (<= X_0 Y_0))`)).toThrow(/line 6: constraints mixing inputs and outputs/);
    expect(() => parseVnnlib(`${header}(assert (= X_0 1))`)).toThrow(/line 6: unsupported formula operator '='/);
    expect(() => parseVnnlib(`${header}(check-sat)`)).toThrow(/line 6: unsupported command 'check-sat'/);
    expect(() => parseVnnlib(`${header}(assert (>= X_0 0)) (assert (<= X_0 1)) (assert (<= Y_0 0))`)).toThrow(/X_1 needs a lower and an upper bound/);
  });

  it.skipIf(data.skip)('reads the ten ACAS Xu properties as the data README states them', () => {
    requirePresent(data);
    const p = Array.from({ length: 10 }, (_, i) => readAcasXuProperty(data.dir, i + 1));
    // φ1: Y_0 ≥ 3.991125645861615 ⇔ −y0 + 3.99… ≤ 0.
    expect(p[0].regions[0].clauses).toHaveLength(1);
    expect(Array.from(p[0].regions[0].clauses[0][0].coeffs)).toEqual([-1, 0, 0, 0, 0]);
    expect(p[0].regions[0].clauses[0][0].constant).toBe(3.991125645861615);
    // φ2: one clause of four constraints Y_j ≤ Y_0; φ3/φ4: Y_0 ≤ Y_j.
    expect(p[1].regions[0].clauses[0].map((c) => Array.from(c.coeffs))).toEqual([[-1, 1, 0, 0, 0], [-1, 0, 1, 0, 0], [-1, 0, 0, 1, 0], [-1, 0, 0, 0, 1]]);
    expect(p[2].regions[0].clauses[0].map((c) => Array.from(c.coeffs))).toEqual([[1, -1, 0, 0, 0], [1, 0, -1, 0, 0], [1, 0, 0, -1, 0], [1, 0, 0, 0, -1]]);
    // φ5, φ9, φ10: four single-constraint clauses; φ6: two input boxes; φ7: 2 clauses of 3; φ8: 3 clauses of 2.
    for (const i of [4, 8, 9]) expect(p[i].regions[0].clauses.map((c) => c.length)).toEqual([1, 1, 1, 1]);
    expect(p[5].regions).toHaveLength(2);
    // Float boxes are the decimal boxes rounded outwards (at most one float away); the exact ends are kept.
    const outward = (lo: number, hi: number, decimals: [string, string]) => {
      const [l, h] = decimals.map(Number);
      expect(lo).toBeLessThanOrEqual(l);
      expect(nextUp(lo)).toBeGreaterThanOrEqual(l);
      expect(hi).toBeGreaterThanOrEqual(h);
      expect(nextDown(hi)).toBeLessThanOrEqual(h);
    };
    outward(p[5].regions[0].lower[1], p[5].regions[0].upper[1], ['0.11140846', '0.499999896']);
    outward(p[5].regions[1].lower[1], p[5].regions[1].upper[1], ['-0.499999896', '-0.11140846']);
    expect(ratToString(p[5].regions[0].exact!.lower[1])).toBe('5570423/50000000');
    outward(p[5].regions[0].lower[0], p[5].regions[0].upper[0], ['-0.129289109', '0.700434925']);
    expect(p[6].regions[0].clauses.map((c) => c.length)).toEqual([3, 3]);
    expect(p[7].regions[0].clauses.map((c) => c.length)).toEqual([2, 2, 2]);
    // The φ3 box in normalised units (raw ρ ∈ [1500, 1800] etc.).
    ['-0.303531156', '-0.009549297', '0.493380324', '0.3', '0.3'].forEach((d, i) => outward(p[2].regions[0].lower[i], p[2].regions[0].upper[i], [d, String(p[2].regions[0].upper[i])]));
    expect(p[2].regions[0].exact!.lower.map(ratToString)).toEqual(['-0.303531156', '-0.009549297', '0.493380324', '0.3', '0.3'].map((d) => ratToString(parseDecimal(d)!)));
  });
});
