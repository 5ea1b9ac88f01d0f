// Uniform and shared-magnitude quantisers.
import { describe, expect, it } from 'vitest';
import { gaussian } from '../random.test-helper';
import { kmeans1d, quantizeCodebook } from './kmeans';
import { checkQuantized, dequantize } from './types';
import { quantizeUniform } from './uniform';

describe('uniform symmetric quantiser', () => {
  it('uses Δ = max|w|/(2^(b−1) − 1) in float32, symbols in ±(2^(b−1) − 1), error ≤ Δ/2', () => {
    const w = gaussian(1000, 1);
    for (const bits of [2, 4, 8, 12]) {
      const q = quantizeUniform('w', [1000], w, bits);
      const levels = 2 ** (bits - 1) - 1;
      const max = Math.max(...Array.from(w, Math.abs));
      expect(q.scale).toBe(Math.fround(max / levels));
      expect(Math.max(...Array.from(q.symbols, Math.abs))).toBe(levels);
      const back = dequantize(q);
      for (let i = 0; i < w.length; i++) expect(Math.abs(back[i] - w[i])).toBeLessThanOrEqual(q.scale / 2 + 1e-6 * max);
      checkQuantized(q);
    }
  });

  it('keeps zeros, handles an all-zero tensor, rejects bad bit widths', () => {
    const q = quantizeUniform('w', [4], [0, 1, 0, -0.5], 8);
    expect(Array.from(q.symbols)).toEqual([0, 127, 0, -64]);
    const zero = quantizeUniform('z', [3], [0, 0, 0], 8);
    expect(zero.scale).toBe(0);
    expect(Array.from(dequantize(zero))).toEqual([0, 0, 0]);
    expect(() => quantizeUniform('w', [1], [1], 1)).toThrow(/bits must be an integer in 2\.\.12/);
  });
});

describe('shared magnitudes (1-D k-means)', () => {
  it('k-means finds well-separated clusters exactly', () => {
    const values = Float64Array.from([0.1, 0.1, 0.11, 0.5, 0.52, 0.9, 0.91, 0.92]).sort();
    const c = kmeans1d(values, 3);
    expect(c.length).toBe(3);
    expect(c[0]).toBeCloseTo(0.31 / 3, 12);
    expect(c[1]).toBeCloseTo(0.51, 12);
    expect(c[2]).toBeCloseTo(0.91, 12);
  });

  it('each weight keeps its sign and takes the nearest shared magnitude; zeros stay zero', () => {
    const w = gaussian(2000, 2).map((x) => (Math.abs(x) < 0.3 ? 0 : x));
    const q = quantizeCodebook('w', [40, 50], w, 15);
    expect(q.codebook.length).toBe(15);
    for (let j = 1; j < q.codebook.length; j++) expect(q.codebook[j]).toBeGreaterThan(q.codebook[j - 1]);
    const back = dequantize(q);
    for (let i = 0; i < w.length; i++) {
      if (w[i] === 0) {
        expect(back[i]).toBe(0);
        continue;
      }
      expect(Math.sign(back[i])).toBe(Math.sign(w[i]));
      const best = Math.min(...Array.from(q.codebook, (c) => Math.abs(Math.abs(w[i]) - c)));
      expect(Math.abs(Math.abs(back[i]) - Math.abs(w[i]))).toBeCloseTo(best, 6);
    }
    checkQuantized(q);
  });

  it('a ternary tensor needs one magnitude; fewer distinct values than k shrink the codebook', () => {
    const ternary = Float64Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? 0 : i % 3 === 1 ? 0.25 : -0.25));
    const q = quantizeCodebook('t', [100], ternary, 15);
    expect(Array.from(q.codebook)).toEqual([0.25]);
    expect(new Set(q.symbols)).toEqual(new Set([0, 1, -1]));
    expect(quantizeCodebook('z', [2], [0, 0], 4).codebook.length).toBe(0);
  });
});

describe('checks on quantised tensors', () => {
  it('a 12-bit tensor with all 4,095 symbols range-codes and round-trips', async () => {
    const { encodeCompressedFile } = await import('../format/encode');
    const { decodeCompressedFile } = await import('../format/decode');
    const values = Float64Array.from({ length: 4095 }, (_, i) => i - 2047);
    const q = quantizeUniform('w', [4095], values, 12);
    expect(new Set(q.symbols).size).toBe(4095);
    expect(decodeCompressedFile(encodeCompressedFile([q])).tensors).toEqual([q]);
  });

  it('rejects codebooks that are not ascending and positive', () => {
    expect(() => checkQuantized({ kind: 'codebook', name: 'c', shape: [1], codebook: Float32Array.of(0.5, 0.25), symbols: Int32Array.of(1) })).toThrow(/codebook entry 1 = 0.25; entries must be finite, positive and ascending/);
    expect(() => checkQuantized({ kind: 'uniform', name: 'u', shape: [2], scale: 0.1, symbols: Int32Array.of(1) })).toThrow(/1 symbols for shape \[2\]/);
  });
});
