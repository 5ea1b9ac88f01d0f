import { describe, expect, it } from 'vitest';
import { bracketSchedule, hyperbandSchedule, integerLog, scheduleTotals } from './schedule';

describe('Hyperband schedule', () => {
  it('reproduces the R = 81, η = 3 bracket table of Li et al. exactly', () => {
    const table = hyperbandSchedule(81, 3).map((b) => [b.s, b.rungs.map((r) => `${r.n}@${r.budget}`).join(', ')]);
    expect(table).toEqual([
      [4, '81@1, 27@3, 9@9, 3@27, 1@81'],
      [3, '34@3, 11@9, 3@27, 1@81'],
      [2, '15@9, 5@27, 1@81'],
      [1, '8@27, 2@81'],
      [0, '5@81'],
    ]);
    expect(scheduleTotals(hyperbandSchedule(81, 3))).toEqual({ trainings: 206, budget: 1902 });
  });

  it('computes s_max with integer arithmetic (R = 243, η = 3 gives 5; the float log fails on R = 1000, η = 10)', () => {
    // V8 happens to round log(243)/log(3) to 5, but log(1000)/log(10) is 2.9999999999999996.
    expect(Math.floor(Math.log(1000) / Math.log(10))).toBe(2);
    expect(integerLog(243, 3)).toBe(5);
    expect(hyperbandSchedule(243, 3)[0].s).toBe(5);
    expect(integerLog(1000, 10)).toBe(3);
    expect(integerLog(80, 3)).toBe(3);
    expect(integerLog(1, 3)).toBe(0);
    // Every power of every small base, where float logs are most fragile.
    for (let eta = 2; eta <= 10; eta++) for (let s = 0, p = 1; p < 2 ** 40; s++, p *= eta) {
      expect(integerLog(p, eta)).toBe(s);
      if (p > 1) expect(integerLog(p - 1, eta)).toBe(s - 1);
    }
  });

  it('uses floors for budgets that are not powers of η', () => {
    const b = bracketSchedule(100, 3, 4);
    expect(b.rungs.map((r) => r.budget)).toEqual([1, 3, 11, 33, 100]);
  });

  it('rejects bad arguments', () => {
    expect(() => hyperbandSchedule(0, 3)).toThrow(/R must be an integer ≥ 1/);
    expect(() => hyperbandSchedule(81, 1)).toThrow(/eta must be an integer ≥ 2/);
    expect(() => hyperbandSchedule(81.5, 3)).toThrow(/R must be an integer/);
    expect(() => bracketSchedule(81, 3, 5)).toThrow(/bracket s must be an integer in \[0, 4\]/);
  });
});
