/**
 * Reads the compressed-weights format back, trusting nothing: the magic, version, total length
 * and CRC-32 are checked first, then every field against its bounds and against the others.
 * Every problem raises a {@link CompressedFileError} that says what and where.
 */
import { rangeCodec, rawCodec, type PayloadCodec } from '../coding/codec';
import type { QuantizedTensor } from '../quantize/types';
import { ByteReader } from './bytes';
import { crc32 } from './crc32';
import { CompressedFileError } from './errors';
import { CHECKSUM_BYTES, COMPRESSED_FILE_MAGIC, COMPRESSED_FILE_VERSION, FILE_HEADER_BYTES, MAX_RANK, MAX_TENSOR_SIZE, QUANTIZER_IDS } from './layout';

/** What {@link decodeCompressedFile} returns. */
export interface DecodedFile {
  /** Name of the payload codec the file was written with. */
  coder: string;
  /** The quantised tensors, in file order. */
  tensors: QuantizedTensor[];
}

/**
 * Default of {@link DecodeOptions.maxValues}: 2²⁴ (16.8 million) weights, far above the models
 * this package trains; a file may code a constant tensor of any size in a few bytes, so the size
 * a header declares is the only thing that can be checked before allocating.
 */
export const DEFAULT_MAX_DECODED_VALUES = 2 ** 24;

/** Options of {@link decodeCompressedFile}. */
export interface DecodeOptions {
  /** Codecs the file may use (default: raw and range; add `deflateCodec` from the `node` entry for deflated files). */
  codecs?: readonly PayloadCodec[];
  /** Most values all tensors together may declare (default {@link DEFAULT_MAX_DECODED_VALUES}); checked before anything is decoded. */
  maxValues?: number;
}

const inconsistent = (message: string) => new CompressedFileError('inconsistent', message);

function checkEnvelope(bytes: Uint8Array): void {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('decodeCompressedFile: expected a Uint8Array');
  const magicLength = Math.min(bytes.length, COMPRESSED_FILE_MAGIC.length);
  for (let i = 0; i < magicLength; i++) {
    if (bytes[i] !== COMPRESSED_FILE_MAGIC[i]) throw new CompressedFileError('bad-magic', `does not start with the magic bytes 'NNLC' (got ${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')})`);
  }
  if (bytes.length < FILE_HEADER_BYTES + CHECKSUM_BYTES) throw new CompressedFileError('truncated', `${bytes.length} bytes is shorter than the ${FILE_HEADER_BYTES + CHECKSUM_BYTES}-byte header and checksum`);
  if (bytes[4] !== COMPRESSED_FILE_VERSION) throw new CompressedFileError('bad-version', `format version ${bytes[4]} is not supported (this decoder reads version ${COMPRESSED_FILE_VERSION})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getUint32(8, true);
  if (bytes.length < declared) throw new CompressedFileError('truncated', `the header declares ${declared} bytes but the file has ${bytes.length}`);
  if (bytes.length > declared) throw inconsistent(`the header declares ${declared} bytes but the file has ${bytes.length} (trailing data)`);
  const stored = view.getUint32(bytes.length - CHECKSUM_BYTES, true);
  const actual = crc32(bytes.subarray(0, bytes.length - CHECKSUM_BYTES));
  if (stored !== actual) throw new CompressedFileError('bad-checksum', `CRC-32 mismatch (stored ${stored.toString(16).padStart(8, '0')}, computed ${actual.toString(16).padStart(8, '0')}): the file is corrupted`);
  if (view.getUint16(6, true) !== 0) throw inconsistent('reserved header bytes 6..7 are not zero');
}

function readName(r: ByteReader, index: number): string {
  const length = r.u16(`tensor ${index} name length`);
  const raw = r.bytes(length, `tensor ${index} name`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw inconsistent(`tensor ${index} name is not valid UTF-8`);
  }
}

function readShape(r: ByteReader, name: string): number[] {
  const rank = r.u8(`'${name}' rank`);
  if (rank > MAX_RANK) throw inconsistent(`'${name}' has rank ${rank} > ${MAX_RANK}`);
  const shape: number[] = [];
  let size = 1;
  for (let k = 0; k < rank; k++) {
    const d = r.u32(`'${name}' dimension ${k}`);
    if (d < 1) throw inconsistent(`'${name}' dimension ${k} is 0`);
    size *= d;
    if (size > MAX_TENSOR_SIZE) throw inconsistent(`'${name}' has more than ${MAX_TENSOR_SIZE} values`);
    shape.push(d);
  }
  return shape;
}

function readTensor(r: ByteReader, index: number, codec: PayloadCodec, budget: { left: number; max: number }): QuantizedTensor {
  const name = readName(r, index);
  const shape = readShape(r, name);
  const size = shape.reduce((a, b) => a * b, 1);
  if (size > budget.left) throw new CompressedFileError('too-large', `'${name}' declares ${size} values; with the tensors before it that is more than the limit of ${budget.max} (DecodeOptions.maxValues)`);
  budget.left -= size;
  const kindId = r.u8(`'${name}' quantizer`);
  let scale = 0;
  let codebook = new Float32Array(0);
  if (kindId === QUANTIZER_IDS.uniform) {
    scale = r.f32(`'${name}' scale`);
    if (!Number.isFinite(scale) || scale < 0) throw inconsistent(`'${name}' has scale ${scale}; it must be finite and ≥ 0`);
  } else if (kindId === QUANTIZER_IDS.codebook) {
    const k = r.u16(`'${name}' codebook size`);
    codebook = new Float32Array(k);
    for (let j = 0; j < k; j++) {
      codebook[j] = r.f32(`'${name}' codebook entry ${j}`);
      if (!(Number.isFinite(codebook[j]) && codebook[j] > 0 && (j === 0 || codebook[j] > codebook[j - 1]))) {
        throw inconsistent(`'${name}' codebook entry ${j} = ${codebook[j]}: entries must be finite, positive and ascending`);
      }
    }
  } else {
    throw inconsistent(`'${name}' has unknown quantizer id ${kindId}`);
  }
  const count = r.u32(`'${name}' symbol count`);
  if (count !== size) throw inconsistent(`'${name}' declares ${count} symbols but its shape [${shape}] holds ${size}`);
  const alphabetSize = r.u32(`'${name}' alphabet size`);
  if (alphabetSize > count || (count > 0 && alphabetSize === 0)) throw inconsistent(`'${name}' declares ${alphabetSize} distinct symbols for ${count} values`);
  if (alphabetSize * 4 > r.remaining) throw new CompressedFileError('truncated', `'${name}' alphabet of ${alphabetSize} symbols needs ${alphabetSize * 4} bytes, ${r.remaining} remain`);
  const alphabet = new Int32Array(alphabetSize);
  for (let j = 0; j < alphabetSize; j++) {
    alphabet[j] = r.i32(`'${name}' alphabet entry ${j}`);
    if (j > 0 && alphabet[j] <= alphabet[j - 1]) throw inconsistent(`'${name}' alphabet is not strictly ascending at entry ${j}`);
    if (kindId === QUANTIZER_IDS.codebook && Math.abs(alphabet[j]) > codebook.length) {
      throw inconsistent(`'${name}' symbol ${alphabet[j]} needs codebook entry ${Math.abs(alphabet[j])}, the codebook has ${codebook.length}`);
    }
  }
  const payloadLength = r.u32(`'${name}' payload length`);
  const payload = r.bytes(payloadLength, `'${name}' payload`);
  let indices: Uint32Array;
  try {
    indices = alphabetSize === 0 ? new Uint32Array(0) : codec.decode(payload, count, alphabetSize, alphabet.indexOf(0));
  } catch (e) {
    throw inconsistent(`'${name}' payload does not decode with codec '${codec.name}': ${e instanceof Error ? e.message : String(e)}`);
  }
  if (indices.length !== count) throw inconsistent(`'${name}' payload decoded to ${indices.length} symbols, expected ${count}`);
  const symbols = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    if (indices[i] >= alphabetSize) throw inconsistent(`'${name}' payload holds index ${indices[i]} outside its alphabet of ${alphabetSize}`);
    symbols[i] = alphabet[indices[i]];
  }
  return kindId === QUANTIZER_IDS.uniform
    ? { kind: 'uniform', name, shape, scale, symbols }
    : { kind: 'codebook', name, shape, codebook, symbols };
}

/**
 * Decodes a compressed-weights file into quantised tensors.
 *
 * @throws {@link CompressedFileError} for a truncated file, bad magic, an unsupported version, a
 * checksum mismatch, an unknown codec, fields that disagree (sizes, alphabet, payload), or more
 * values than `options.maxValues`.
 */
export function decodeCompressedFile(bytes: Uint8Array, options: DecodeOptions = {}): DecodedFile {
  checkEnvelope(bytes);
  const codecs = options.codecs ?? [rawCodec, rangeCodec];
  const codec = codecs.find((c) => c.id === bytes[5]);
  if (!codec) {
    throw new CompressedFileError('unknown-coder', `payload codec id ${bytes[5]} is not among the codecs given (${codecs.map((c) => `${c.id} ${c.name}`).join(', ')}); files coded with deflate (id 2) need deflateCodec from '@nnlab/compressibility/node'`);
  }
  const r = new ByteReader(bytes, bytes.length - CHECKSUM_BYTES);
  r.pos = 12;
  const count = r.u32('tensor count');
  const tensors: QuantizedTensor[] = [];
  const names = new Set<string>();
  const max = options.maxValues ?? DEFAULT_MAX_DECODED_VALUES;
  if (!(Number.isInteger(max) && max >= 0)) throw new TypeError(`decodeCompressedFile: maxValues must be an integer ≥ 0, got ${String(max)}`);
  const budget = { left: max, max };
  for (let i = 0; i < count; i++) {
    const q = readTensor(r, i, codec, budget);
    if (names.has(q.name)) throw inconsistent(`tensor name '${q.name}' appears twice`);
    names.add(q.name);
    tensors.push(q);
  }
  if (r.remaining !== 0) throw inconsistent(`${r.remaining} unused byte(s) before the checksum`);
  return { coder: codec.name, tensors };
}
