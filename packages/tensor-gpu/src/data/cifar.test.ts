import { describe, expect, it } from 'vitest';
import { parseCifar10 } from './cifar';
import { DataFileError } from './errors';
import { cifarImageSplit } from './labeled';
import { makeCifar } from './synthetic.test-helper';

const NAME = 'synthetic_batch.bin';
const pixel = (i: number, c: number, y: number, x: number) => (i * 97 + c * 31 + y * 7 + x) & 0xff;

function expectCifarError(run: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(DataFileError);
  expect((caught as Error).message.startsWith(`${NAME}: `)).toBe(true);
  expect((caught as Error).message).toMatch(pattern);
}

describe('parseCifar10', () => {
  const bytes = makeCifar([3, 0, 9], pixel);

  it('splits labels and NCHW pixels', () => {
    const r = parseCifar10(bytes, NAME);
    expect(r.count).toBe(3);
    expect([...r.labels]).toEqual([3, 0, 9]);
    expect(r.images.length).toBe(3 * 3 * 32 * 32);
    for (const [i, c, y, x] of [
      [0, 0, 0, 0],
      [1, 2, 31, 31],
      [2, 1, 5, 17],
    ]) {
      expect(r.images[((i * 3 + c) * 32 + y) * 32 + x]).toBe(pixel(i, c, y, x));
    }
  });

  it('accepts the expected record count', () => {
    expect(parseCifar10(bytes, NAME, { expectedCount: 3 }).count).toBe(3);
  });

  it('scales to an ImageSplit', () => {
    const s = cifarImageSplit(parseCifar10(bytes, NAME));
    expect(s.shape).toEqual([3, 32, 32]);
    expect(s.count).toBe(3);
    expect(s.images[0]).toBeCloseTo(pixel(0, 0, 0, 0) / 255, 7);
    expect(Math.max(...s.images)).toBeLessThanOrEqual(1);
  });

  it('rejects empty input', () => expectCifarError(() => parseCifar10(new Uint8Array(0), NAME), /empty/));
  it('rejects a length that is not a multiple of 3073', () =>
    expectCifarError(() => parseCifar10(bytes.subarray(0, 3073 * 2 + 5), NAME), /not a multiple of the 3073-byte.*2 records \+ 5 bytes/));
  it('rejects labels above 9', () => {
    const b = bytes.slice();
    b[3073] = 10;
    expectCifarError(() => parseCifar10(b, NAME), /record 1 \(byte offset 3073\) has label 10/);
  });
  it('rejects the wrong record count', () =>
    expectCifarError(() => parseCifar10(bytes, NAME, { expectedCount: 10000 }), /holds 3 CIFAR-10 records, expected 10000/));
  it('rejects gzip bytes', () => {
    const b = bytes.slice(0, 3073);
    b[0] = 0x1f;
    b[1] = 0x8b;
    expectCifarError(() => parseCifar10(b, NAME), /gzip/);
  });
});
