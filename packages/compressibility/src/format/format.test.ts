// The compressed-weights file: exact round trips and clear errors for malformed files.
import { describe, expect, it } from 'vitest';
import { rangeCodec, rawCodec } from '../coding/codec';
import { dequantize, type QuantizedTensor } from '../quantize/types';
import { quantizeUniform } from '../quantize/uniform';
import { gaussian } from '../random.test-helper';
import { deflateCodec } from '../node/deflate';
import { crc32 } from './crc32';
import { decodeCompressedFile } from './decode';
import { encodeCompressedFile } from './encode';
import { CompressedFileError } from './errors';
import { sampleTensors, withFixedChecksum } from './fixtures.test-helper';

function expectProblem(fn: () => unknown, problem: string, message: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CompressedFileError);
    expect((e as CompressedFileError).problem).toBe(problem);
    expect((e as Error).message).toMatch(message);
    return;
  }
  throw new Error(`expected a CompressedFileError (${problem})`);
}

describe('compressed-weights file: round trip', () => {
  it('CRC-32 of "123456789" is 0xCBF43926', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it.each([rangeCodec, rawCodec])('decode(encode(q)) = q exactly with the $name codec', (codec) => {
    const tensors = sampleTensors();
    const file = encodeCompressedFile(tensors, codec);
    const decoded = decodeCompressedFile(file);
    expect(decoded.coder).toBe(codec.name);
    expect(decoded.tensors).toEqual(tensors);
    for (let i = 0; i < tensors.length; i++) expect(dequantize(decoded.tensors[i])).toEqual(dequantize(tensors[i]));
    expect(file.length).toBe(new DataView(file.buffer).getUint32(8, true));
  });

  it('the range-coded file is smaller than the raw one for sparse weights', () => {
    const tensors = sampleTensors();
    expect(encodeCompressedFile(tensors, rangeCodec).length).toBeLessThan(encodeCompressedFile(tensors, rawCodec).length);
  });

  it('an empty file (no tensors) round-trips', () => {
    expect(decodeCompressedFile(encodeCompressedFile([])).tensors).toEqual([]);
  });

  it('the encoder rejects duplicate names and symbols its quantiser cannot hold', () => {
    const [a] = sampleTensors();
    expect(() => encodeCompressedFile([a, a])).toThrow(/appears twice/);
    const bad: QuantizedTensor = { kind: 'codebook', name: 'x', shape: [2], codebook: Float32Array.of(0.5), symbols: Int32Array.of(0, 2) };
    expect(() => encodeCompressedFile([bad])).toThrow(/needs codebook entry 2/);
  });
});

describe('compressed-weights file: malformed input', () => {
  const file = encodeCompressedFile(sampleTensors());

  it('bad magic', () => {
    const bad = Uint8Array.from(file);
    bad[0] = 0x50;
    expectProblem(() => decodeCompressedFile(bad), 'bad-magic', /does not start with the magic bytes 'NNLC'/);
    expectProblem(() => decodeCompressedFile(new TextEncoder().encode('PK\u0003\u0004 zip')), 'bad-magic', /magic/);
  });

  it('truncation anywhere', () => {
    expectProblem(() => decodeCompressedFile(file.subarray(0, 3)), 'truncated', /shorter than the 20-byte header/);
    expectProblem(() => decodeCompressedFile(file.subarray(0, 19)), 'truncated', /shorter/);
    expectProblem(() => decodeCompressedFile(file.subarray(0, file.length - 1)), 'truncated', new RegExp(`declares ${file.length} bytes but the file has ${file.length - 1}`));
  });

  it('trailing data', () => {
    const longer = new Uint8Array(file.length + 3);
    longer.set(file);
    expectProblem(() => decodeCompressedFile(longer), 'inconsistent', /trailing data/);
  });

  it('unsupported version', () => {
    const bad = Uint8Array.from(file);
    bad[4] = 9;
    expectProblem(() => decodeCompressedFile(bad), 'bad-version', /version 9 is not supported/);
  });

  it('a flipped payload bit fails the checksum', () => {
    const bad = Uint8Array.from(file);
    bad[file.length - 20] ^= 0x10;
    expectProblem(() => decodeCompressedFile(bad), 'bad-checksum', /CRC-32 mismatch/);
  });

  it('an unknown codec id names the codecs given and the node entry', () => {
    const bad = Uint8Array.from(file);
    bad[5] = 2;
    expectProblem(() => decodeCompressedFile(withFixedChecksum(bad)), 'unknown-coder', /codec id 2 .*deflateCodec from '@nnlab\/compressibility\/node'/);
  });

  it('sizes that disagree, even under a valid checksum', () => {
    const tensors = [quantizeUniform('w', [4, 5], gaussian(20, 4), 6)];
    const good = encodeCompressedFile(tensors, rawCodec);
    // Layout: header 16, name length 2 + 'w' 1, rank 1, dims 8, quantizer 1, scale 4, count 4 ...
    const countAt = 16 + 2 + 1 + 1 + 8 + 1 + 4;
    const shape = Uint8Array.from(good);
    new DataView(shape.buffer).setUint32(countAt, 21, true);
    expectProblem(() => decodeCompressedFile(withFixedChecksum(shape)), 'inconsistent', /declares 21 symbols but its shape \[4,5\] holds 20/);
    const dim = Uint8Array.from(good);
    new DataView(dim.buffer).setUint32(16 + 2 + 1 + 1, 0, true);
    expectProblem(() => decodeCompressedFile(withFixedChecksum(dim)), 'inconsistent', /dimension 0 is 0/);
    const alphabet = Uint8Array.from(good);
    new DataView(alphabet.buffer).setUint32(countAt + 4, 1000, true);
    expectProblem(() => decodeCompressedFile(withFixedChecksum(alphabet)), 'inconsistent', /declares 1000 distinct symbols for 20 values/);
    const count = Uint8Array.from(good);
    new DataView(count.buffer).setUint32(12, 2, true);
    expectProblem(() => decodeCompressedFile(withFixedChecksum(count)), 'truncated', /tensor 1 name length needs 2 byte\(s\)/);
  });

  it('a payload that decodes to the wrong number of symbols', () => {
    const tensors = [quantizeUniform('w', [50], gaussian(50, 4), 6)];
    const good = encodeCompressedFile(tensors, rawCodec);
    const bad = Uint8Array.from(good);
    // The last raw index byte points past the alphabet.
    bad[good.length - 5] = 250;
    expectProblem(() => decodeCompressedFile(withFixedChecksum(bad)), 'inconsistent', /payload does not decode with codec 'raw'.*outside 0\.\./);
  });
});

describe('declared sizes are limited before decoding', () => {
  /** A one-tensor file whose single symbol (0) is coded in an empty payload, declaring `values` values. */
  function constantTensorFile(values: number, codec = rangeCodec): Uint8Array {
    const file = encodeCompressedFile([quantizeUniform('w', [1], new Float64Array(1), 8)], codec);
    const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
    const nameLength = view.getUint16(16, true);
    const rankAt = 18 + nameLength;
    expect(file[rankAt]).toBe(1);
    view.setUint32(rankAt + 1, values, true); // the dimension
    view.setUint32(rankAt + 10, values, true); // the symbol count, after quantizer id and scale
    return withFixedChecksum(file);
  }

  it('refuses a short file declaring 250 million values (by default) before allocating anything', () => {
    const file = constantTensorFile(250_000_000);
    expect(file.length).toBeLessThan(64);
    expectProblem(() => decodeCompressedFile(file), 'too-large', /'w' declares 250000000 values; .* more than the limit of 16777216 \(DecodeOptions\.maxValues\)/);
    const deflated = constantTensorFile(250_000_000, deflateCodec);
    expectProblem(() => decodeCompressedFile(deflated, { codecs: [deflateCodec] }), 'too-large', /'w' declares 250000000 values/);
  });

  it('decodes up to the limit it is given, and counts every tensor against it', () => {
    expect(decodeCompressedFile(constantTensorFile(1000), { maxValues: 1000 }).tensors[0].symbols).toEqual(new Int32Array(1000));
    expectProblem(() => decodeCompressedFile(constantTensorFile(1000), { maxValues: 999 }), 'too-large', /'w' declares 1000 values/);
    const two = encodeCompressedFile(sampleTensors().slice(0, 2), rawCodec);
    expect(decodeCompressedFile(two, { maxValues: 630 }).tensors).toHaveLength(2);
    expectProblem(() => decodeCompressedFile(two, { maxValues: 629 }), 'too-large', /'0\.bias' declares 30 values; with the tensors before it that is more than the limit of 629/);
  });
});
