// The Node entry: deflate codec round trips and files on disk.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rangeCodec } from '../coding/codec';
import { decodeCompressedFile } from '../format/decode';
import { encodeCompressedFile } from '../format/encode';
import { CompressedFileError } from '../format/errors';
import { sampleTensors } from '../format/fixtures.test-helper';
import { randomInts } from '../random.test-helper';
import { deflateCodec } from './deflate';
import { allCodecs, readCompressedFile, writeCompressedFile } from './files';

describe('node entry', () => {
  it('deflate codec round-trips 1- and 2-byte indices and rejects a corrupt stream', () => {
    for (const alphabet of [3, 256, 300]) {
      const indices = randomInts(5000, alphabet, alphabet);
      const payload = deflateCodec.encode(indices, alphabet, -1);
      expect(deflateCodec.decode(payload, indices.length, alphabet, -1)).toEqual(indices);
      expect(() => deflateCodec.decode(payload.subarray(0, payload.length >> 1), indices.length, alphabet, -1)).toThrow();
    }
  });

  it('deflate-coded files decode exactly when the codec is given, with a clear error when it is not', () => {
    const tensors = sampleTensors();
    const file = encodeCompressedFile(tensors, deflateCodec);
    expect(decodeCompressedFile(file, { codecs: allCodecs }).tensors).toEqual(tensors);
    expect(() => decodeCompressedFile(file)).toThrow(CompressedFileError);
    expect(() => decodeCompressedFile(file)).toThrow(/deflateCodec/);
  });

  it('writes and reads files; errors name the path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nnlab-compressibility-'));
    try {
      const path = join(dir, 'model.nnlc');
      const size = await writeCompressedFile(path, sampleTensors(), rangeCodec);
      expect(size).toBe(encodeCompressedFile(sampleTensors(), rangeCodec).length);
      expect((await readCompressedFile(path)).tensors).toEqual(sampleTensors());
      const broken = join(dir, 'broken.nnlc');
      await writeFile(broken, Uint8Array.of(0x4e, 0x4e, 0x4c));
      await expect(readCompressedFile(broken)).rejects.toThrow(new RegExp(`${broken.replace(/[.]/g, '\\.')}: compressed weights file: .*shorter`));
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
