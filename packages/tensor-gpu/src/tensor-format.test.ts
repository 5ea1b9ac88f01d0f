import { inspect } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import * as t from './index';
import { formatTensorValues } from './tensor-format';

describe('formatTensorValues', () => {
  it('prints a matrix row by row with one fixed precision and aligned columns', () => {
    expect(formatTensorValues([2, 3], [1, -2.5, 3, 40, 5, 6.25])).toBe('[[ 1.0000, -2.5000,  3.0000],\n [40.0000,  5.0000,  6.2500]]');
  });

  it('separates the blocks of a 3-d tensor by a blank line, as PyTorch does', () => {
    expect(formatTensorValues([2, 1, 2], [0, 1, 2, 3])).toBe('[[[0.0000, 1.0000]],\n\n [[2.0000, 3.0000]]]');
  });

  it('prints a scalar as its number and an empty tensor as brackets', () => {
    expect(formatTensorValues([], [Math.PI])).toBe('3.1416');
    expect(formatTensorValues([0], [])).toBe('[]');
  });

  it('switches to scientific notation for very large or very small magnitudes, keeping NaN and infinities', () => {
    expect(formatTensorValues([3], [1e9, 2, NaN])).toBe('[1.0000e+9, 2.0000e+0,       NaN]');
    expect(formatTensorValues([2], [1e-5, -Infinity])).toBe('[1.0000e-5, -Infinity]');
  });

  it('shows the first and last 3 entries of every long axis once a tensor has more than 1000 elements', () => {
    const shape = [40, 30];
    const values = Array.from({ length: 1200 }, (_, i) => i);
    const text = formatTensorValues(shape, values, { threshold: 1000, edgeItems: 3, precision: 0 });
    const rows = text.split('\n');
    // 3 rows, the '...' row, 3 rows; each row holds 3 values, '...', 3 values.
    expect(rows).toHaveLength(7);
    expect(rows[3].trim()).toBe('...,');
    const shown = [...text.matchAll(/\d+/g)].map((m) => Number(m[0]));
    const expected = [0, 1, 2, 37, 38, 39].flatMap((r) => [0, 1, 2, 27, 28, 29].map((c) => r * 30 + c));
    expect(shown).toEqual(expected);
    expect(formatTensorValues([1000], Array.from({ length: 1000 }, () => 1))).not.toContain('...');
  });
});

describe('String(tensor)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('shows dtype, shape and values synchronously on the cpu backend, also through util.inspect', async () => {
    await t.expectNoLeaks(() => {
      const x = t.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
      const expected = 'Tensor float32 [2,3]\n[[1.0000, 2.0000, 3.0000],\n [4.0000, 5.0000, 6.0000]]';
      expect(String(x)).toBe(expected);
      expect(`${x}`).toBe(expected);
      expect(inspect(x)).toBe(expected);
      const h = t.cast(x, 'float16');
      expect(String(h).split('\n')[0]).toBe('Tensor float16 [2,3]');
      h.dispose();
      x.dispose();
    });
  });

  it('prints the values an op computed, abbreviating a large tensor', async () => {
    await t.expectNoLeaks(async () => {
      const x = t.randn([50, 50], { seed: 3 });
      const values = await x.data();
      const firstRow = String(x).split('\n')[1];
      expect(firstRow).toBe(`[[${[0, 1, 2].map((i) => values[i].toFixed(4).padStart(7)).join(', ')}, ..., ${[47, 48, 49].map((i) => values[i].toFixed(4).padStart(7)).join(', ')}],`);
      x.dispose();
    });
  });

  it('says so instead of reading a disposed tensor', () => {
    const x = t.tensor([1, 2]);
    x.dispose();
    expect(String(x)).toBe('Tensor float32 [2] (disposed)');
  });
});
