import { describe, expect, it } from 'vitest';
import { headOf, subsetOf } from './subsets';
import type { LabeledData } from './types';

const data: LabeledData = { images: Float32Array.from({ length: 12 }, (_, i) => i), labels: Uint8Array.of(5, 6, 7, 8, 9, 4), count: 6, shape: [2] };

describe('headOf and subsetOf', () => {
  it('headOf views the first samples without copying and clamps to the data', () => {
    const head = headOf(data, 2);
    expect(head.count).toBe(2);
    expect(Array.from(head.images)).toEqual([0, 1, 2, 3]);
    expect(Array.from(head.labels)).toEqual([5, 6]);
    expect(head.images.buffer).toBe(data.images.buffer);
    expect(headOf(data, 100).count).toBe(6);
  });

  it('subsetOf copies the samples at the indices in order', () => {
    const sub = subsetOf(data, [4, 0, 4]);
    expect(sub).toEqual({ images: Float32Array.of(8, 9, 0, 1, 8, 9), labels: Int32Array.of(9, 5, 9), count: 3, shape: [2] });
  });

  it('rejects bad counts and out-of-range indices naming the argument', () => {
    expect(() => headOf(data, 0)).toThrow(/headOf: count must be a positive integer, got 0/);
    expect(() => subsetOf(data, [1, 6])).toThrow(/subsetOf: indices\[1\] = 6 is not a sample index in \[0, 6\)/);
    expect(() => subsetOf(data, [])).toThrow(/indices must not be empty/);
    expect(() => headOf({ ...data, count: 5 }, 1)).toThrow(/headOf: data.images has 12 values, expected count × prod\(shape\) = 5 × 2/);
  });
});
