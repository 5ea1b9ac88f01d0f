import { describe, expect, it } from 'vitest';
import { drawFeedback, FEEDBACK_SCHEMES } from './schemes';

const stats = (v: Float64Array) => {
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  return { mean, std: Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length) };
};

describe('feedback schemes', () => {
  const shape = { sizes: [600, 300], classes: 10 };

  it('every scheme draws [n_l, C] matrices whose spread matches the std it reports', () => {
    for (const scheme of FEEDBACK_SCHEMES) {
      const drawn = drawFeedback(scheme, shape, 3);
      drawn.forEach((d, l) => {
        expect(d.values.length).toBe(shape.sizes[l] * 10);
        const s = stats(d.values);
        expect(Math.abs(s.mean)).toBeLessThan(0.1 * d.std);
        expect(s.std / d.std).toBeGreaterThan(0.95);
        expect(s.std / d.std).toBeLessThan(1.05);
      });
    }
  });

  it('defaults: U[−1, 1)/√N (std 1/√(3N)); width-scaled: std 1/√(n_l·C)', () => {
    const N = 600;
    for (const scheme of ['uniform-shared', 'uniform', 'gaussian', 'pattern'] as const) {
      for (const d of drawFeedback(scheme, shape, 4)) expect(d.std).toBeCloseTo(1 / Math.sqrt(3 * N), 15);
    }
    const uniform = drawFeedback('uniform', shape, 4);
    for (const d of uniform) expect(Math.max(...d.values.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(N));
    drawFeedback('width-scaled', shape, 4).forEach((d, l) => expect(d.std).toBeCloseTo(1 / Math.sqrt(shape.sizes[l] * 10), 15));
  });

  it('uniform-shared slices one matrix (TinyDFA); uniform draws independent ones', () => {
    const [a, b] = drawFeedback('uniform-shared', shape, 5);
    expect(Array.from(b.values)).toEqual(Array.from(a.values.subarray(0, b.values.length)));
    const [c, d] = drawFeedback('uniform', shape, 5);
    expect(Array.from(d.values)).not.toEqual(Array.from(c.values.subarray(0, d.values.length)));
  });

  it('pattern: the class columns are mutually orthogonal (when n_l ≥ C)', () => {
    for (const d of drawFeedback('pattern', { sizes: [40, 12], classes: 10 }, 6)) {
      const rows = d.values.length / 10;
      const col = (k: number) => Array.from({ length: rows }, (_, j) => d.values[j * 10 + k]);
      for (let p = 0; p < 10; p++) for (let q = 0; q < p; q++) {
        const a = col(p);
        const b = col(q);
        const dot = a.reduce((s, x, i) => s + x * b[i], 0);
        expect(Math.abs(dot) / Math.sqrt(a.reduce((s, x) => s + x * x, 0) * b.reduce((s, x) => s + x * x, 0))).toBeLessThan(1e-12);
      }
    }
    // Narrower than C: only the first n_l columns can be orthogonal; it still draws finite values.
    const narrow = drawFeedback('pattern', { sizes: [4], classes: 10 }, 6)[0];
    expect(narrow.values.every(Number.isFinite)).toBe(true);
  });

  it('is reproducible from the seed and changes with it', () => {
    for (const scheme of FEEDBACK_SCHEMES) {
      expect(drawFeedback(scheme, shape, 7)[1].values).toEqual(drawFeedback(scheme, shape, 7)[1].values);
      expect(drawFeedback(scheme, shape, 8)[1].values).not.toEqual(drawFeedback(scheme, shape, 7)[1].values);
    }
  });

  it('rejects bad arguments', () => {
    expect(() => drawFeedback('binary' as never, shape, 1)).toThrow(/scheme must be one of/);
    expect(() => drawFeedback('uniform', { sizes: [0], classes: 10 }, 1)).toThrow(/sizes must be positive integers/);
    expect(() => drawFeedback('uniform', { sizes: [3], classes: 1.5 }, 1)).toThrow(/classes must be a positive integer/);
    expect(() => drawFeedback('uniform', shape, NaN)).toThrow(/seed must be an integer/);
    expect(drawFeedback('uniform', { sizes: [], classes: 3 }, 1)).toEqual([]);
  });
});
