import { fmt } from '../shape';
import type { StateDict } from './state';

/**
 * The `.nnlb` state-dict file format, version 1 (all integers little-endian):
 *
 * | bytes | content |
 * |---|---|
 * | 0–3 | magic `NNLB` (ASCII) |
 * | 4–7 | uint32 format version (1) |
 * | 8–11 | uint32 header length H in bytes (a multiple of 4) |
 * | 12 … 12+H−1 | UTF-8 JSON header `{"tensors":[{"name","shape","offset","length"}, ...]}`, padded with spaces |
 * | 12+H … end | float32 little-endian values of every tensor, back to back |
 *
 * `offset` and `length` count float32 values from the start of the data section; tensors are
 * stored in header order without gaps, `length` equals the product of `shape`, and the data
 * section is exactly the sum of the lengths.
 */
export const STATE_FILE_MAGIC = 'NNLB';

/** The format version written by {@link encodeStateDict}. */
export const STATE_FILE_VERSION = 1;

/** One tensor's record in the file header. */
export interface StateFileTensor {
  /** Dotted name. */
  name: string;
  /** Size of each axis. */
  shape: number[];
  /** First value, counted in float32 values from the start of the data section. */
  offset: number;
  /** Number of values (the product of `shape`). */
  length: number;
}

/** Thrown for a malformed state-dict file; the message names what is wrong. */
export class StateFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateFileError';
  }
}

const PREAMBLE = 12;

/** Serialises a state dict in the `.nnlb` format (see {@link STATE_FILE_MAGIC}). */
export function encodeStateDict(dict: StateDict): Uint8Array {
  const tensors: StateFileTensor[] = [];
  let offset = 0;
  for (const [name, entry] of Object.entries(dict)) {
    const length = entry.shape.reduce((a, b) => a * b, 1);
    if (entry.data.length !== length) throw new Error(`encodeStateDict: '${name}' has ${entry.data.length} values for shape ${fmt(entry.shape)}`);
    tensors.push({ name, shape: [...entry.shape], offset, length });
    offset += length;
  }
  let json = JSON.stringify({ tensors });
  const rawLength = new TextEncoder().encode(json).length;
  json += ' '.repeat((4 - (rawLength % 4)) % 4);
  const header = new TextEncoder().encode(json);
  const bytes = new Uint8Array(PREAMBLE + header.length + offset * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 4; i++) bytes[i] = STATE_FILE_MAGIC.charCodeAt(i);
  view.setUint32(4, STATE_FILE_VERSION, true);
  view.setUint32(8, header.length, true);
  bytes.set(header, PREAMBLE);
  let at = PREAMBLE + header.length;
  for (const entry of Object.values(dict)) {
    for (let i = 0; i < entry.data.length; i++, at += 4) view.setFloat32(at, entry.data[i], true);
  }
  return bytes;
}

/** Names that would reach an object's prototype machinery instead of being a key of their own. */
const FORBIDDEN_NAMES = new Set(['__proto__']);

function isNonNegInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/** Parses and validates the JSON header; throws a {@link StateFileError} naming the problem. */
function parseHeader(bytes: Uint8Array, where: string): StateFileTensor[] {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new StateFileError(`${where}: the header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  const list = (header as { tensors?: unknown } | null)?.tensors;
  if (!Array.isArray(list)) throw new StateFileError(`${where}: the header has no "tensors" array`);
  const names = new Set<string>();
  let expectedOffset = 0;
  return list.map((t: any, i: number) => {
    if (t === null || typeof t !== 'object' || typeof t.name !== 'string' || t.name === '') {
      throw new StateFileError(`${where}: header entry ${i} has no name`);
    }
    if (FORBIDDEN_NAMES.has(t.name)) throw new StateFileError(`${where}: header entry ${i} is named '${t.name}', which is not allowed as a tensor name`);
    if (names.has(t.name)) throw new StateFileError(`${where}: header names '${t.name}' twice`);
    names.add(t.name);
    if (!Array.isArray(t.shape) || !t.shape.every(isNonNegInt) || !isNonNegInt(t.offset) || !isNonNegInt(t.length)) {
      throw new StateFileError(`${where}: header entry '${t.name}' needs a shape of non-negative integers and integer offset and length`);
    }
    const size = (t.shape as number[]).reduce((a, b) => a * b, 1);
    if (t.length !== size) throw new StateFileError(`${where}: header entry '${t.name}' has length ${t.length} but shape ${fmt(t.shape)} holds ${size} values`);
    if (t.offset !== expectedOffset) throw new StateFileError(`${where}: header entry '${t.name}' starts at value ${t.offset}, expected ${expectedOffset}`);
    expectedOffset += size;
    return { name: t.name, shape: [...t.shape], offset: t.offset, length: t.length };
  });
}

/**
 * Parses a `.nnlb` file. Throws a {@link StateFileError} for a bad magic, an unsupported version,
 * a truncated file, a malformed header, a tensor named `__proto__`, or a data section whose size
 * does not match the header. `where` (a path) prefixes the messages. The returned dict has no
 * prototype.
 */
export function decodeStateDict(bytes: Uint8Array, where = 'decodeStateDict'): StateDict {
  if (!(bytes instanceof Uint8Array)) throw new StateFileError(`${where}: expected bytes (Uint8Array)`);
  if (bytes.length < PREAMBLE) throw new StateFileError(`${where}: truncated: ${bytes.length} bytes is shorter than the ${PREAMBLE}-byte preamble`);
  const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  if (magic !== STATE_FILE_MAGIC) throw new StateFileError(`${where}: bad magic ${JSON.stringify(magic)}, expected '${STATE_FILE_MAGIC}' (not an nnlab state-dict file)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== STATE_FILE_VERSION) throw new StateFileError(`${where}: unsupported format version ${version} (this reader knows ${STATE_FILE_VERSION})`);
  const headerLength = view.getUint32(8, true);
  if (PREAMBLE + headerLength > bytes.length) {
    throw new StateFileError(`${where}: truncated: the header needs ${headerLength} bytes but only ${bytes.length - PREAMBLE} follow the preamble`);
  }
  if (headerLength % 4 !== 0) throw new StateFileError(`${where}: header length ${headerLength} is not a multiple of 4`);
  const tensors = parseHeader(bytes.subarray(PREAMBLE, PREAMBLE + headerLength), where);
  const values = tensors.reduce((n, t) => n + t.length, 0);
  const dataBytes = bytes.length - PREAMBLE - headerLength;
  if (dataBytes < values * 4) throw new StateFileError(`${where}: truncated: the header describes ${values * 4} data bytes but the file has ${dataBytes}`);
  if (dataBytes > values * 4) throw new StateFileError(`${where}: size mismatch: the header describes ${values * 4} data bytes but the file has ${dataBytes}`);
  const start = PREAMBLE + headerLength;
  // No prototype: tensor names are plain keys and can never reach Object.prototype.
  const dict: StateDict = Object.create(null) as StateDict;
  for (const t of tensors) {
    const data = new Float32Array(t.length);
    const base = start + t.offset * 4;
    for (let i = 0; i < t.length; i++) data[i] = view.getFloat32(base + i * 4, true);
    dict[t.name] = { shape: t.shape, data };
  }
  return dict;
}
