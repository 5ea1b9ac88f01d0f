/** Deflate (Node's zlib, level 9, raw stream) as a payload codec: a generic coder for comparison. */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { indexWidth, packIndices, unpackIndices, type PayloadCodec } from '../coding/codec';

/**
 * Deflates the fixed-width symbol indices (1 byte each up to 256 symbols, else 2) with zlib at
 * level 9 (id 2). Decoding inflates at most the expected number of bytes and checks the length.
 */
export const deflateCodec: PayloadCodec = {
  id: 2,
  name: 'deflate',
  encode: (indices, alphabetSize) => new Uint8Array(deflateRawSync(packIndices(indices, alphabetSize), { level: 9 })),
  decode: (payload, count, alphabetSize) => {
    const expected = count * indexWidth(alphabetSize);
    let raw: Uint8Array;
    try {
      raw = new Uint8Array(inflateRawSync(payload, { maxOutputLength: Math.max(1, expected) }));
    } catch (e) {
      throw new Error(`deflate stream is malformed: ${e instanceof Error ? e.message : String(e)}`);
    }
    return unpackIndices(raw, count, alphabetSize);
  },
};
