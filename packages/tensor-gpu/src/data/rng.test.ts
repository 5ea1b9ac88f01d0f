import { describe, expect, it } from 'vitest';
import * as t from '../index';
import { createRng, randomNormal } from './rng';

describe('randomNormal', () => {
  it('gives the value randn gives for the same seed (one Box–Muller transform)', async () => {
    await t.setBackend('cpu');
    for (const seed of [0, 7, 123456]) {
      const expected = (await t.randn([1], { seed }).data())[0];
      expect(Math.fround(randomNormal(createRng(seed)))).toBe(expected);
    }
  });

  it('has mean 0 and variance 1 and repeats for a seed', () => {
    const rng = createRng(42);
    const n = 40_000;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const v = randomNormal(rng);
      sum += v;
      squares += v * v;
    }
    // Standard errors: 1/√n = 0.005 for the mean, about √(2/n) = 0.007 for the variance.
    expect(Math.abs(sum / n)).toBeLessThan(0.025);
    expect(Math.abs(squares / n - 1)).toBeLessThan(0.035);
    const a = createRng(9);
    const b = createRng(9);
    expect([randomNormal(a), randomNormal(a)]).toEqual([randomNormal(b), randomNormal(b)]);
  });
});
