import { describe, expect, it } from 'vitest';
import { batches, gatherBatch, permutation, shuffleInPlace, trainValidationSplit } from './batching';
import { createRng, seedToUint32 } from './rng';

describe('createRng', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 100 }, a);
    expect(Array.from({ length: 100 }, b)).toEqual(xs);
    expect(Array.from({ length: 100 }, c)).not.toEqual(xs);
  });

  it('gives the same sequence as before (regression values of the shared splitmix32 generator)', () => {
    const r = createRng(1);
    expect([r(), r(), r()].map((v) => v * 2 ** 32)).toEqual([2527132011, 314344336, 2535364964]);
  });

  it('stays in [0, 1) with a plausible mean', () => {
    const r = createRng(7);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const v = r();
      if (!(v >= 0 && v < 1)) outside++;
      sum += v;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.01);
  });

  it('accepts negative integer seeds and rejects others', () => {
    expect(seedToUint32(-1)).toBe(0xffffffff);
    expect(() => createRng(1.5)).toThrow(RangeError);
    expect(() => createRng(NaN)).toThrow(RangeError);
  });
});

describe('shuffling', () => {
  it('permutation holds each index once and depends only on the seed', () => {
    const p = permutation(1000, 5);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(permutation(1000, 5)).toEqual(p);
    expect(permutation(1000, 6)).not.toEqual(p);
    expect(permutation(0, 1).length).toBe(0);
  });

  it('shuffleInPlace shuffles arrays in place; a shared rng gives different successive shuffles', () => {
    const xs = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const same = shuffleInPlace(xs, 3);
    expect(same).toBe(xs);
    expect([...xs].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    const rng = createRng(3);
    const first = shuffleInPlace(Array.from({ length: 50 }, (_, i) => i), rng);
    const second = shuffleInPlace(Array.from({ length: 50 }, (_, i) => i), rng);
    expect(second).not.toEqual(first);
  });

  it('is roughly uniform: each position gets each value about equally often', () => {
    const counts = Array.from({ length: 4 }, () => new Array(4).fill(0));
    const rng = createRng(11);
    for (let t = 0; t < 8000; t++) {
      const p = shuffleInPlace([0, 1, 2, 3], rng);
      p.forEach((v, pos) => counts[pos][v]++);
    }
    for (const row of counts) for (const c of row) expect(Math.abs(c - 2000)).toBeLessThan(200);
  });
});

describe('trainValidationSplit', () => {
  it('splits into disjoint sorted sets covering everything', () => {
    const { train, validation } = trainValidationSplit(1000, 0.1, 1);
    expect(validation.length).toBe(100);
    expect(train.length).toBe(900);
    const all = new Set([...train, ...validation]);
    expect(all.size).toBe(1000);
    expect([...train]).toEqual([...train].sort((a, b) => a - b));
    expect([...validation]).toEqual([...validation].sort((a, b) => a - b));
    expect(trainValidationSplit(1000, 0.1, 1).validation).toEqual(validation);
    expect(trainValidationSplit(1000, 0.1, 2).validation).not.toEqual(validation);
  });

  it('handles 0 and rejects bad fractions', () => {
    expect(trainValidationSplit(10, 0, 1).validation.length).toBe(0);
    expect(() => trainValidationSplit(10, 1, 1)).toThrow(RangeError);
    expect(() => trainValidationSplit(10, -0.1, 1)).toThrow(RangeError);
    expect(() => trainValidationSplit(1, 0.6, 1)).toThrow(/no training samples/);
    expect(() => trainValidationSplit(-1, 0.1, 1)).toThrow(RangeError);
  });
});

describe('batches', () => {
  const idx = Uint32Array.from([9, 8, 7, 6, 5, 4, 3]);
  it('yields consecutive batches with a short last one', () => {
    expect([...batches(idx, 3)].map((b) => [...b])).toEqual([[9, 8, 7], [6, 5, 4], [3]]);
  });
  it('drops the short last batch on request', () => {
    expect([...batches(idx, 3, { dropLast: true })].map((b) => [...b])).toEqual([
      [9, 8, 7],
      [6, 5, 4],
    ]);
    expect([...batches([1, 2, 3], 3, { dropLast: true })].length).toBe(1);
    expect([...batches([], 3)].length).toBe(0);
  });
  it('rejects a bad batch size', () => {
    expect(() => [...batches(idx, 0)]).toThrow(RangeError);
    expect(() => [...batches(idx, 1.5)]).toThrow(RangeError);
  });
});

describe('gatherBatch', () => {
  const images = Float32Array.from({ length: 4 * 3 }, (_, i) => i);
  const labels = Uint8Array.from([5, 6, 7, 8]);
  it('copies the chosen samples and labels in order', () => {
    const { x, y } = gatherBatch(images, labels, [3, 0, 3], 3);
    expect([...x]).toEqual([9, 10, 11, 0, 1, 2, 9, 10, 11]);
    expect(y).toBeInstanceOf(Int32Array);
    expect([...y]).toEqual([8, 5, 8]);
  });
  it('rejects bad indices and sizes', () => {
    expect(() => gatherBatch(images, labels, [4], 3)).toThrow(/indices\[0\] = 4 is out of range 0\.\.3/);
    expect(() => gatherBatch(images, labels, [-1], 3)).toThrow(RangeError);
    expect(() => gatherBatch(images, labels, [0], 2)).toThrow(/expected labels.length × sampleSize/);
    expect(() => gatherBatch(images, labels, [0], 0)).toThrow(RangeError);
  });
});
