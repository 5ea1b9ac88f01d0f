import { describe, expect, it } from 'vitest';
import { DataFileError } from './errors';
import { parseIdx } from './idx';
import { makeIdx } from './synthetic.test-helper';

const NAME = 'synthetic.idx';

function expectIdxError(bytes: Uint8Array, pattern: RegExp, maxElements?: number): void {
  let caught: unknown;
  try {
    parseIdx(bytes, NAME, maxElements === undefined ? {} : { maxElements });
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(DataFileError);
  const err = caught as DataFileError;
  expect(err.file).toBe(NAME);
  expect(err.message.startsWith(`${NAME}: `)).toBe(true);
  expect(err.message).toMatch(pattern);
}

describe('parseIdx', () => {
  it('decodes uint8 images [2, 2, 3]', () => {
    const values = [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255];
    const r = parseIdx(makeIdx('uint8', [2, 2, 3], values), NAME);
    expect(r.dims).toEqual([2, 2, 3]);
    expect(r.dtype).toBe('uint8');
    expect(r.data).toBeInstanceOf(Uint8Array);
    expect([...r.data]).toEqual(values);
  });

  it('decodes 1-D labels', () => {
    const r = parseIdx(makeIdx('uint8', [5], [7, 2, 1, 0, 4]), NAME);
    expect(r.dims).toEqual([5]);
    expect([...r.data]).toEqual([7, 2, 1, 0, 4]);
  });

  it.each([
    ['int8', Int8Array, [-128, -1, 0, 1, 127]],
    ['int16', Int16Array, [-32768, -2, 0, 258, 32767]],
    ['int32', Int32Array, [-2147483648, -65536, 0, 16909060, 2147483647]],
    ['float32', Float32Array, [-1.5, 0, 3.25, Infinity, 1e-40]],
    ['float64', Float64Array, [-1e300, 0, Math.PI, -Infinity, 5e-324]],
  ] as const)('decodes big-endian %s', (dtype, Type, values) => {
    const r = parseIdx(makeIdx(dtype, [values.length], values), NAME);
    expect(r.dtype).toBe(dtype);
    expect(r.data).toBeInstanceOf(Type);
    expect([...r.data]).toEqual([...Type.from(values)]);
  });

  it('keeps NaN in float data', () => {
    const r = parseIdx(makeIdx('float32', [2], [NaN, 1]), NAME);
    expect(Number.isNaN(r.data[0])).toBe(true);
  });

  it('reads a view at an odd byte offset and returns a copy', () => {
    const file = makeIdx('int16', [3], [1, -2, 3]);
    const padded = new Uint8Array(file.length + 3);
    padded.set(file, 1);
    const view = padded.subarray(1, 1 + file.length);
    const r = parseIdx(view, NAME);
    expect([...r.data]).toEqual([1, -2, 3]);
    const bytes = makeIdx('uint8', [2], [9, 8]);
    const parsed = parseIdx(bytes, NAME);
    bytes[8] = 0; // changing the input afterwards must not change the result
    expect([...parsed.data]).toEqual([9, 8]);
  });

  it('accepts a Node Buffer', () => {
    const r = parseIdx(Buffer.from(makeIdx('uint8', [2], [3, 4])), NAME);
    expect([...r.data]).toEqual([3, 4]);
  });

  describe('errors name the file and the problem', () => {
    const valid = makeIdx('uint8', [2, 3], [1, 2, 3, 4, 5, 6]);

    it('empty input', () => expectIdxError(new Uint8Array(0), /empty/));
    it('gzip bytes', () => expectIdxError(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]), /gzip/));
    it('header shorter than the magic', () => expectIdxError(new Uint8Array([0, 0, 8]), /truncated IDX header/));
    it('bad magic', () => {
      const b = valid.slice();
      b[0] = 0x12;
      expectIdxError(b, /bad IDX magic 0x12000802/);
      const c = valid.slice();
      c[1] = 1;
      expectIdxError(c, /bad IDX magic/);
    });
    it('unsupported type code', () => {
      const b = valid.slice();
      b[2] = 0x0a;
      expectIdxError(b, /unsupported IDX type code 0x0a/);
    });
    it('zero dimensions', () => expectIdxError(new Uint8Array([0, 0, 8, 0, 1, 2]), /0 dimensions/));
    it('truncated dimension list', () => expectIdxError(valid.subarray(0, 10), /truncated IDX header: 2 dimension\(s\) need 12 bytes/));
    it('a zero dimension', () => expectIdxError(makeIdx('uint8', [3, 0, 2], []), /dimension 1 of \[3, 0, 2\] is 0/));
    it('huge dimensions', () => {
      expectIdxError(makeIdx('uint8', [0xffffffff, 0xffffffff, 0xffffffff], []), /more than the limit/);
      expectIdxError(makeIdx('uint8', [100, 100], []), /declare 10000 elements, more than the limit 9999/, 9999);
    });
    it('truncated data', () => expectIdxError(valid.subarray(0, valid.length - 1), /truncated data: uint8 \[2, 3\] needs 6 bytes after the header, found 5/));
    it('trailing bytes', () => {
      const b = new Uint8Array(valid.length + 2);
      b.set(valid);
      expectIdxError(b, /2 trailing byte\(s\)/);
    });
    it('non-Uint8Array input', () => expectIdxError([0, 0, 8, 1] as unknown as Uint8Array, /Uint8Array/));
  });
});
