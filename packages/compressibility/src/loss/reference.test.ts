// The theory of the compressibility loss, checked in float64 (spec acceptance tests 1–5).
import * as t from '@nnlab/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { gaussian, maxRelError } from '../random.test-helper';
import { compressibilityGradient, compressibilityValue, compressibilityValueOfGroups, proxStepReference } from './reference';
import type { CompressibilityOptions } from './options';

function ternary(n: number, k: number, magnitude: number, seed: number): Float64Array {
  const rng = t.data.createRng(seed);
  const w = new Float64Array(n);
  const order = t.data.permutation(n, seed);
  for (let j = 0; j < k; j++) w[order[j]] = (rng() < 0.5 ? -1 : 1) * magnitude;
  return w;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, x, i) => s + x * b[i], 0);
const norm = (a: ArrayLike<number>) => Math.sqrt(dot(a, a));

function centralDifferences(w: Float64Array, options: CompressibilityOptions, h = 1e-6): Float64Array {
  return Float64Array.from(w, (_, i) => {
    const plus = Float64Array.from(w);
    const minus = Float64Array.from(w);
    plus[i] += h;
    minus[i] -= h;
    return (compressibilityValue(plus, options) - compressibilityValue(minus, options)) / (2 * h);
  });
}

describe('compressibility loss in float64: the critical-point theorem', () => {
  it.each([1, 5, 37])('a ternary vector with k = %i non-zeros has L_c = √k and zero gradient on its support', (k) => {
    const w = ternary(100, k, 0.3, 11 + k);
    const value = compressibilityValue(w);
    expect(Math.abs(value - Math.sqrt(k)) / Math.sqrt(k)).toBeLessThanOrEqual(1e-12);
    const g = compressibilityGradient(w);
    let worst = 0;
    w.forEach((x, i) => {
      if (x !== 0) worst = Math.max(worst, Math.abs(g[i]));
    });
    console.info(`ternary k=${k}: L_c = ${value} (√k = ${Math.sqrt(k)}), max |gradient| on the support = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-12);
  });

  it('a vector whose non-zeros differ in magnitude is not critical', () => {
    const w = Float64Array.of(0.3, -0.3, 0.1, 0);
    const g = compressibilityGradient(w);
    expect(Math.max(...Array.from(g.subarray(0, 3), Math.abs))).toBeGreaterThan(1e-3);
  });
});

describe('compressibility loss in float64: scale invariance and range', () => {
  it('L_c(3w) = L_c(w) and L_c(−0.01w) = L_c(w) to 1e-12; ⟨w, ∇L_c⟩ = 0 to 1e-12·‖w‖·‖∇L_c‖', () => {
    const w = gaussian(100, 3);
    const value = compressibilityValue(w);
    for (const a of [3, -0.01, 1e4]) {
      expect(Math.abs(compressibilityValue(w.map((x) => a * x)) - value) / value).toBeLessThanOrEqual(1e-12);
    }
    const g = compressibilityGradient(w);
    const inner = Math.abs(dot(w, g));
    console.info(`scale invariance: |⟨w, ∇L_c⟩| = ${inner.toExponential(2)}, bound 1e-12·‖w‖·‖∇L_c‖ = ${(1e-12 * norm(w) * norm(g)).toExponential(2)}`);
    expect(inner).toBeLessThanOrEqual(1e-12 * norm(w) * norm(g));
  });

  it('lies in [1, √n]: 1 for a 1-sparse vector, √n for a constant-magnitude one', () => {
    const one = new Float64Array(50);
    one[7] = -2;
    expect(compressibilityValue(one)).toBe(1);
    expect(compressibilityValue(new Float64Array(49).fill(0.5))).toBeCloseTo(7, 12);
    for (let seed = 0; seed < 5; seed++) {
      const v = compressibilityValue(gaussian(64, seed));
      expect(v).toBeGreaterThanOrEqual(1);
      expect(v).toBeLessThanOrEqual(8);
    }
  });

  it('a Gaussian vector of n = 100 gives about √(2n/π) ≈ 7.98 (± 0.5)', () => {
    const value = compressibilityValue(gaussian(100, 1));
    console.info(`Gaussian n = 100: L_c = ${value.toFixed(4)}, √(2n/π) = ${Math.sqrt(200 / Math.PI).toFixed(4)}`);
    expect(Math.abs(value - Math.sqrt(200 / Math.PI))).toBeLessThanOrEqual(0.5);
  });
});

describe('compressibility loss in float64: gradient', () => {
  it('matches central differences (h = 1e-6) to 1e-6 relative on a random vector without zeros', () => {
    const w = gaussian(40, 5).map((x) => x + Math.sign(x) * 0.05);
    for (const form of ['ratio', 'square', 'normalized'] as const) {
      const err = maxRelError(compressibilityGradient(w, { form }), centralDifferences(w, { form }));
      expect(err, form).toBeLessThanOrEqual(1e-6);
    }
    const smooth = { smoothing: 'smooth', eps1: 1e-3, eps2: 1e-6 } as const;
    expect(maxRelError(compressibilityGradient(w, smooth), centralDifferences(w, smooth))).toBeLessThanOrEqual(1e-6);
  });

  it('the forms relate as square = ratio² and normalized = ratio/√n', () => {
    const w = gaussian(30, 9);
    const r = compressibilityValue(w);
    expect(compressibilityValue(w, { form: 'square' })).toBeCloseTo(r * r, 10);
    expect(compressibilityValue(w, { form: 'normalized' })).toBeCloseTo(r / Math.sqrt(30), 12);
  });

  it('an all-zero vector gives 0 and a finite (zero) gradient: the eps guard', () => {
    const w = new Float64Array(10);
    expect(compressibilityValue(w)).toBe(0);
    expect(Array.from(compressibilityGradient(w))).toEqual(new Array(10).fill(0));
  });

  it('scope: layer sums the groups, global concatenates them', () => {
    const a = gaussian(20, 1);
    const b = gaussian(30, 2);
    expect(compressibilityValueOfGroups([a, b])).toBeCloseTo(compressibilityValue(a) + compressibilityValue(b), 12);
    expect(compressibilityValueOfGroups([a, b], { scope: 'global' })).toBeCloseTo(compressibilityValue([...a, ...b]), 12);
  });

  it('rejects unknown options with a clear message', () => {
    expect(() => compressibilityValue([1, 2], { form: 'cube' as never })).toThrow(/form must be 'ratio' or 'square' or 'normalized'/);
    expect(() => compressibilityValue([1, 2], { eps: 0 })).toThrow(/eps must be a finite number > 0/);
    expect(() => compressibilityValue([])).toThrow(/non-empty/);
  });
});

describe('compressibility loss in float64: pure minimisation (n = 200, 20,000 steps)', () => {
  const nnz = (v: Float64Array) => {
    const cut = 0.01 * Math.max(...Array.from(v, Math.abs));
    return v.filter((x) => Math.abs(x) > cut).length;
  };

  it('proximal steps (lr 0.05) decrease L_c at every step and end with exactly one non-zero', () => {
    let w = gaussian(200, 7);
    const start = compressibilityValue(w);
    let previous = start;
    let increases = 0;
    let reached = -1;
    for (let iter = 1; iter <= 20_000; iter++) {
      w = proxStepReference(w, 0.05);
      const value = compressibilityValue(w);
      if (!(value <= previous)) increases++;
      previous = value;
      if (reached < 0 && nnz(w) === 1) reached = iter;
    }
    console.info(`pure minimisation, proximal: L_c ${start.toFixed(3)} → ${previous}, increases ${increases}, nnz = 1 from iteration ${reached}, exact zeros ${w.filter((x) => x === 0).length}`);
    expect(increases).toBe(0);
    expect(nnz(w)).toBe(1);
    expect(previous).toBe(1);
  });

  it('plain subgradient steps (lr 0.05) reach one non-zero too, but L_c rises at steps where a weight crosses zero (pitfall 1), and only there', () => {
    let w = gaussian(200, 7);
    const start = compressibilityValue(w);
    let previous = start;
    let increases = 0;
    let largest = 0;
    let firstIncrease = -1;
    let increasesWithoutCrossing = 0;
    for (let iter = 1; iter <= 20_000; iter++) {
      const g = compressibilityGradient(w);
      const next = w.map((x, i) => x - 0.05 * g[i]);
      const crossed = next.some((x, i) => Math.sign(x) !== Math.sign(w[i]));
      const value = compressibilityValue(next);
      if (value > previous) {
        increases++;
        largest = Math.max(largest, value - previous);
        if (!crossed) increasesWithoutCrossing++;
        if (firstIncrease < 0) firstIncrease = iter;
      }
      previous = value;
      w = next;
    }
    console.info(`pure minimisation, plain subgradient: L_c ${start.toFixed(3)} → ${previous.toFixed(4)}, nnz ${nnz(w)}; ${increases} increases, the first at iteration ${firstIncrease} (largest ${largest.toExponential(2)})`);
    expect(increasesWithoutCrossing).toBe(0);
    expect(nnz(w)).toBe(1);
    expect(previous).toBeLessThan(1.05);
  });

  it('plain subgradient steps with a small learning rate (0.001) decrease L_c at every one of 20,000 steps', () => {
    let w = gaussian(200, 7);
    const start = compressibilityValue(w);
    let previous = start;
    let increases = 0;
    for (let iter = 1; iter <= 20_000; iter++) {
      const g = compressibilityGradient(w);
      w = w.map((x, i) => x - 0.001 * g[i]);
      const value = compressibilityValue(w);
      if (!(value <= previous)) increases++;
      previous = value;
    }
    console.info(`pure minimisation, plain subgradient, lr 0.001: L_c ${start.toFixed(3)} → ${previous.toFixed(4)}, increases ${increases}, nnz ${nnz(w)}`);
    expect(increases).toBe(0);
    expect(previous).toBeLessThan(start - 3);
  });
});
