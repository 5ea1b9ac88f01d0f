// Parser for the IDX format (MNIST, Fashion-MNIST): magic 00 00 TT DD, then DD big-endian
// uint32 dimensions, then the elements in big-endian order. Browser-safe: no Node imports.
import { DataFileError, isGzipData } from './errors';

/** Typed array used for each IDX element type. */
export interface IdxArrayByDtype {
  /** Type code 0x08. */
  uint8: Uint8Array;
  /** Type code 0x09. */
  int8: Int8Array;
  /** Type code 0x0B. */
  int16: Int16Array;
  /** Type code 0x0C. */
  int32: Int32Array;
  /** Type code 0x0D. */
  float32: Float32Array;
  /** Type code 0x0E. */
  float64: Float64Array;
}

/** Element type of an IDX file. */
export type IdxDtype = keyof IdxArrayByDtype;

/** Any of the typed arrays an IDX file can decode to. */
export type IdxTypedArray = IdxArrayByDtype[IdxDtype];

/**
 * A decoded IDX file: `dims` from the header (outermost first), the element type, and the
 * elements in row-major order as native-endian numbers. Narrow on `dtype` to get the array type.
 */
export type IdxData = {
  [K in IdxDtype]: {
    /** Dimensions from the header, outermost first; every one is at least 1. */
    dims: number[];
    /** Element type from the header's type code. */
    dtype: K;
    /** The `dims` product of elements, a fresh array (never a view of the input bytes). */
    data: IdxArrayByDtype[K];
  };
}[IdxDtype];

/** Default cap on the number of elements an IDX header may declare. */
export const IDX_MAX_ELEMENTS = 2 ** 31 - 1;

/** Options for {@link parseIdx}. */
export interface ParseIdxOptions {
  /** Largest element count accepted from the header; default {@link IDX_MAX_ELEMENTS}. */
  maxElements?: number;
}

const TYPES: Record<number, { dtype: IdxDtype; size: number }> = {
  0x08: { dtype: 'uint8', size: 1 },
  0x09: { dtype: 'int8', size: 1 },
  0x0b: { dtype: 'int16', size: 2 },
  0x0c: { dtype: 'int32', size: 4 },
  0x0d: { dtype: 'float32', size: 4 },
  0x0e: { dtype: 'float64', size: 8 },
};

const hex = (v: number, digits: number) => '0x' + v.toString(16).padStart(digits, '0');

/**
 * Decodes an uncompressed IDX file.
 *
 * Gzip-compressed bytes are recognised by their magic number and rejected with a message saying
 * to decompress first: in Node, `readIdxFile` / `gunzipIfNeeded` from the Node entry do that.
 *
 * @param bytes - the whole file, uncompressed.
 * @param name - file name or path, used in every error message.
 * @param options - optional limits.
 * @returns dims, dtype and a fresh native-endian typed array of the elements.
 * @throws {@link DataFileError} naming `name` for: empty or gzip input, bad magic, unsupported
 * type code, zero dimensions, a zero or too large element count, truncated data, trailing bytes.
 */
export function parseIdx(bytes: Uint8Array, name: string, options: ParseIdxOptions = {}): IdxData {
  const fail = (problem: string) => new DataFileError(name, problem);
  if (!(bytes instanceof Uint8Array)) throw fail('expected the file contents as a Uint8Array');
  if (bytes.length === 0) throw fail('empty file, expected IDX data');
  if (isGzipData(bytes)) {
    throw fail('gzip-compressed data; decompress it first (in Node, readIdxFile or gunzipIfNeeded does this)');
  }
  const header = readHeader(bytes, name, options, true) as IdxHeader;
  const { dims, type, count, headerBytes } = header;
  const shape = `[${dims.join(', ')}]`;
  const dataBytes = count * type.size;
  const present = bytes.length - headerBytes;
  if (present < dataBytes) {
    throw fail(`truncated data: ${type.dtype} ${shape} needs ${dataBytes} bytes after the header, found ${present}`);
  }
  if (present > dataBytes) {
    throw fail(`${present - dataBytes} trailing byte(s) after the ${dataBytes} data bytes of ${type.dtype} ${shape}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { dims, dtype: type.dtype, data: decode(type.dtype, view, headerBytes, count) } as IdxData;
}

/**
 * The total size in bytes (header and data) that the IDX header at the start of `head` declares,
 * or undefined when `head` is too short to hold the whole header. Lets a reader check the header
 * of a compressed file before decompressing the rest.
 *
 * @throws {@link DataFileError} naming `name` for a bad magic, type code or dimensions, or more
 * elements than `options.maxElements`.
 */
export function idxByteLength(head: Uint8Array, name: string, options: ParseIdxOptions = {}): number | undefined {
  const header = readHeader(head, name, options, false);
  return header ? header.headerBytes + header.count * header.type.size : undefined;
}

interface IdxHeader {
  dims: number[];
  type: { dtype: IdxDtype; size: number };
  count: number;
  headerBytes: number;
}

/** Checks the header; undefined when the bytes end inside it and `complete` is false. */
function readHeader(bytes: Uint8Array, name: string, options: ParseIdxOptions, complete: boolean): IdxHeader | undefined {
  const fail = (problem: string) => new DataFileError(name, problem);
  const maxElements = options.maxElements ?? IDX_MAX_ELEMENTS;
  if (bytes.length < 4) {
    if (!complete) return undefined;
    throw fail(`truncated IDX header: ${bytes.length} byte(s), the magic number needs 4`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw fail(`bad IDX magic ${hex(view.getUint32(0, false), 8)}: the first two bytes must be 0 (not an IDX file?)`);
  }
  const type = TYPES[bytes[2]];
  if (!type) {
    throw fail(
      `unsupported IDX type code ${hex(bytes[2], 2)} (supported: 0x08 uint8, 0x09 int8, 0x0b int16, ` +
        '0x0c int32, 0x0d float32, 0x0e float64)',
    );
  }
  const ndims = bytes[3];
  if (ndims === 0) throw fail('IDX header declares 0 dimensions');
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    if (!complete) return undefined;
    throw fail(`truncated IDX header: ${ndims} dimension(s) need ${headerBytes} bytes, the file has ${bytes.length}`);
  }
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const shape = `[${dims.join(', ')}]`;
  const zero = dims.indexOf(0);
  if (zero >= 0) throw fail(`dimension ${zero} of ${shape} is 0`);
  let count = 1;
  for (const d of dims) count *= d; // exact while count <= 2^53; above that it is rejected anyway
  if (count > maxElements) throw fail(`dimensions ${shape} declare ${count} elements, more than the limit ${maxElements}`);
  return { dims, type, count, headerBytes };
}

function decode(dtype: IdxDtype, view: DataView, offset: number, count: number): IdxTypedArray {
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(view.buffer, view.byteOffset + offset, count).slice();
    case 'int8':
      return new Int8Array(view.buffer, view.byteOffset + offset, count).slice();
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}
