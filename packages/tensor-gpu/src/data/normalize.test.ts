import { describe, expect, it } from 'vitest';
import { channelMeanStd, normalize, normalizeInPlace } from './normalize';

// two images, two channels of 2 values each: layout [n][c][p]
const images = Float32Array.from([1, 3, 10, 20, 5, 7, 30, 40]);
const shape = [2, 1, 2] as const;

describe('normalize', () => {
  it('computes per-channel mean and population std', () => {
    const { mean, std } = channelMeanStd(images, shape);
    expect(mean).toEqual([4, 25]);
    expect(std[0]).toBeCloseTo(Math.sqrt(5), 12);
    expect(std[1]).toBeCloseTo(Math.sqrt(125), 12);
  });

  it('normalize returns a copy and leaves the input alone', () => {
    const before = images.slice();
    const out = normalize(images, [4, 25], [2, 5], shape);
    expect(out).not.toBe(images);
    expect(images).toEqual(before);
    expect([...out]).toEqual([-1.5, -0.5, -3, -1, 0.5, 1.5, 1, 3]);
  });

  it('normalizeInPlace overwrites and returns its input', () => {
    const data = images.slice();
    expect(normalizeInPlace(data, [4, 25], [2, 5], shape)).toBe(data);
    expect([...data]).toEqual([-1.5, -0.5, -3, -1, 0.5, 1.5, 1, 3]);
  });

  it('gives zero mean and unit std with its own statistics', () => {
    const { mean, std } = channelMeanStd(images, shape);
    const s = channelMeanStd(normalize(images, mean, std, shape), shape);
    for (const m of s.mean) expect(Math.abs(m)).toBeLessThan(1e-6);
    for (const d of s.std) expect(d).toBeCloseTo(1, 6);
  });

  it('rejects mismatched sizes and bad std', () => {
    expect(() => normalize(images, [0], [1], shape)).toThrow(/expected 2 means and stds/);
    expect(() => normalize(images, [0, 0], [1, 0], shape)).toThrow(/std\[1\] must be positive/);
    expect(() => normalize(images.subarray(0, 7), [0, 0], [1, 1], shape)).toThrow(/not a positive multiple/);
    expect(() => channelMeanStd(images, [2, 0, 2])).toThrow(/positive integers/);
  });
});
