/**
 * Payload codecs: how a tensor's stream of symbol indices becomes bytes in the file. The file
 * names its codec by `id`; the decoder must be given a codec with that id.
 */
import { rangeDecodeSymbols, rangeEncodeSymbols } from './symbol-coder';

/** Turns symbol indices (0..alphabetSize−1) into bytes and back. */
export interface PayloadCodec {
  /** Stored in the file header (0..255); unique among codecs. */
  readonly id: number;
  /** Short name for reports, e.g. `'range'`. */
  readonly name: string;
  /** Codes `indices`; `zeroIndex` is the index of the weight value 0 (-1 when absent), a context hint. */
  encode(indices: Uint32Array, alphabetSize: number, zeroIndex: number): Uint8Array;
  /** Decodes exactly `count` indices; throws on a malformed payload. */
  decode(payload: Uint8Array, count: number, alphabetSize: number, zeroIndex: number): Uint32Array;
}

/** Bytes per index of the fixed-width layout: 1 up to 256 symbols, else 2. */
export function indexWidth(alphabetSize: number): 1 | 2 {
  if (!Number.isInteger(alphabetSize) || alphabetSize < 1 || alphabetSize > 65536) throw new Error(`fixed-width indices: alphabet size must be in 1..65536, got ${String(alphabetSize)}`);
  return alphabetSize <= 256 ? 1 : 2;
}

/** Indices as fixed-width little-endian bytes (1 or 2 per index). */
export function packIndices(indices: Uint32Array, alphabetSize: number): Uint8Array {
  const width = indexWidth(alphabetSize);
  const out = new Uint8Array(indices.length * width);
  for (let i = 0; i < indices.length; i++) {
    const v = indices[i];
    if (v >= alphabetSize) throw new Error(`fixed-width indices: index ${v} at ${i} is outside 0..${alphabetSize - 1}`);
    if (width === 1) out[i] = v;
    else {
      out[2 * i] = v & 0xff;
      out[2 * i + 1] = v >>> 8;
    }
  }
  return out;
}

/** The inverse of {@link packIndices}; checks the length and every index. */
export function unpackIndices(bytes: Uint8Array, count: number, alphabetSize: number): Uint32Array {
  const width = indexWidth(alphabetSize);
  if (bytes.length !== count * width) throw new Error(`fixed-width indices: expected ${count * width} bytes for ${count} indices, got ${bytes.length}`);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const v = width === 1 ? bytes[i] : bytes[2 * i] | (bytes[2 * i + 1] << 8);
    if (v >= alphabetSize) throw new Error(`fixed-width indices: index ${v} at ${i} is outside 0..${alphabetSize - 1}`);
    out[i] = v;
  }
  return out;
}

/** No entropy coding: fixed-width indices (id 0). A baseline for the coders. */
export const rawCodec: PayloadCodec = {
  id: 0,
  name: 'raw',
  encode: (indices, alphabetSize) => packIndices(indices, alphabetSize),
  decode: (payload, count, alphabetSize) => unpackIndices(payload, count, alphabetSize),
};

/** The adaptive range coder with a zero-run context (id 1): this package's entropy coder. */
export const rangeCodec: PayloadCodec = {
  id: 1,
  name: 'range',
  encode: (indices, alphabetSize, zeroIndex) => rangeEncodeSymbols(indices, alphabetSize, zeroIndex),
  decode: (payload, count, alphabetSize, zeroIndex) => rangeDecodeSymbols(payload, count, alphabetSize, zeroIndex),
};
