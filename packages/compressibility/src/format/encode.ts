/**
 * Writes quantised tensors to the compressed-weights format:
 * header (magic `NNLC`, version, coder id, reserved, total length, tensor count), then per tensor
 * (name, shape, quantiser with its scale or codebook, symbol count, alphabet of the symbols used,
 * coded payload), then a CRC-32 of everything before it. Integers are little-endian.
 */
import { rangeCodec, type PayloadCodec } from '../coding/codec';
import { checkQuantized, type QuantizedTensor } from '../quantize/types';
import { ByteWriter } from './bytes';
import { crc32 } from './crc32';
import { COMPRESSED_FILE_MAGIC, COMPRESSED_FILE_VERSION, MAX_RANK, QUANTIZER_IDS } from './layout';

/** The sorted distinct symbols of a tensor and each symbol's index among them. */
export function alphabetOf(symbols: Int32Array): { alphabet: Int32Array; indices: Uint32Array; zeroIndex: number } {
  const alphabet = Int32Array.from(new Set(symbols)).sort();
  const position = new Map<number, number>();
  alphabet.forEach((s, i) => position.set(s, i));
  const indices = Uint32Array.from(symbols, (s) => position.get(s)!);
  return { alphabet, indices, zeroIndex: position.get(0) ?? -1 };
}

/** Encodes `tensors` into one file with `codec` (default: the adaptive range coder). */
export function encodeCompressedFile(tensors: readonly QuantizedTensor[], codec: PayloadCodec = rangeCodec): Uint8Array {
  if (!Array.isArray(tensors as unknown)) throw new Error('encodeCompressedFile: expected an array of quantized tensors');
  if (!codec || !Number.isInteger(codec.id) || codec.id < 0 || codec.id > 255) throw new Error('encodeCompressedFile: codec must have an integer id in 0..255');
  const names = new Set<string>();
  const w = new ByteWriter();
  w.bytes(COMPRESSED_FILE_MAGIC);
  w.u8(COMPRESSED_FILE_VERSION);
  w.u8(codec.id);
  w.u16(0);
  w.u32(0); // total length, patched below
  w.u32(tensors.length);
  for (const q of tensors) {
    checkQuantized(q);
    if (names.has(q.name)) throw new Error(`encodeCompressedFile: tensor name '${q.name}' appears twice`);
    names.add(q.name);
    const name = new TextEncoder().encode(q.name);
    if (name.length > 0xffff) throw new Error(`encodeCompressedFile: tensor name '${q.name.slice(0, 40)}…' is longer than 65,535 bytes`);
    if (q.shape.length > MAX_RANK) throw new Error(`encodeCompressedFile: tensor '${q.name}' has rank ${q.shape.length} > ${MAX_RANK}`);
    w.u16(name.length);
    w.bytes(name);
    w.u8(q.shape.length);
    for (const d of q.shape) w.u32(d);
    w.u8(QUANTIZER_IDS[q.kind]);
    if (q.kind === 'uniform') w.f32(q.scale);
    else {
      w.u16(q.codebook.length);
      for (const c of q.codebook) w.f32(c);
    }
    const { alphabet, indices, zeroIndex } = alphabetOf(q.symbols);
    w.u32(q.symbols.length);
    w.u32(alphabet.length);
    for (const s of alphabet) w.i32(s);
    const payload = alphabet.length === 0 ? new Uint8Array(0) : codec.encode(indices, alphabet.length, zeroIndex);
    w.u32(payload.length);
    w.bytes(payload);
  }
  w.patchU32(8, w.length + 4);
  const body = w.result();
  w.u32(crc32(body));
  return w.result();
}
