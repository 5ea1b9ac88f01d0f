/** Writing and reading compressed-weights files on disk (Node only). */
import { readFile, writeFile } from 'node:fs/promises';
import { rangeCodec, rawCodec, type PayloadCodec } from '../coding/codec';
import { decodeCompressedFile, type DecodedFile } from '../format/decode';
import { encodeCompressedFile } from '../format/encode';
import type { QuantizedTensor } from '../quantize/types';
import { deflateCodec } from './deflate';

/** Every codec this package has: raw, range and deflate. */
export const allCodecs: readonly PayloadCodec[] = [rawCodec, rangeCodec, deflateCodec];

/** Encodes `tensors` with `codec` (default range) and writes the file; returns its size in bytes. */
export async function writeCompressedFile(path: string, tensors: readonly QuantizedTensor[], codec: PayloadCodec = rangeCodec): Promise<number> {
  const bytes = encodeCompressedFile(tensors, codec);
  await writeFile(path, bytes);
  return bytes.length;
}

/** Reads and decodes a file written by {@link writeCompressedFile} (any of {@link allCodecs}); errors name the path. */
export async function readCompressedFile(path: string): Promise<DecodedFile> {
  const bytes = new Uint8Array(await readFile(path));
  try {
    return decodeCompressedFile(bytes, { codecs: allCodecs });
  } catch (e) {
    if (e instanceof Error) e.message = `${path}: ${e.message}`;
    throw e;
  }
}
