// PNG decoding for the data readers (Node only), through pngjs, an optional peer dependency.
import { createRequire } from 'node:module';
import type { PNG as PngClass } from 'pngjs';
import { DataFileError } from './errors';
import { DataSetNotFoundError } from './locate-node';

/** The fields of a PNG header (IHDR) the readers check before decoding. */
export interface PngHeader {
  /** Pixels per row. */
  width: number;
  /** Rows. */
  height: number;
  /** Bits per sample. */
  bitDepth: number;
  /** PNG colour type: 2 = RGB, 6 = RGBA. */
  colorType: number;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Reads the header of a PNG file without decoding it, so that a file claiming a huge picture is
 * refused before any pixel memory is allocated.
 *
 * @param bytes - the file.
 * @param name - its name, for error messages.
 * @throws {@link DataFileError} naming `name` when it is not a PNG file.
 */
export function readPngHeader(bytes: Uint8Array, name: string): PngHeader {
  const isPng = bytes.length >= 29 && SIGNATURE.every((b, i) => bytes[i] === b) && String.fromCharCode(...bytes.subarray(12, 16)) === 'IHDR';
  if (!isPng) throw new DataFileError(name, 'not a PNG file (no PNG signature followed by an IHDR chunk)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20), bitDepth: bytes[24], colorType: bytes[25] };
}

/**
 * The `PNG` class of pngjs, loaded on first use.
 *
 * @throws {@link DataSetNotFoundError} when pngjs is not installed.
 */
export function loadPngjs(): typeof PngClass {
  try {
    return (createRequire(import.meta.url)('pngjs') as { PNG: typeof PngClass }).PNG;
  } catch {
    throw new DataSetNotFoundError('pngjs', 'reading PNG data needs the npm package pngjs: install it (an optional peer dependency of @nnlab/tensor-gpu)');
  }
}

/**
 * Decodes a whole PNG file to RGBA bytes (pngjs expands RGB to RGBA), with its CRCs checked.
 *
 * @param bytes - the file.
 * @param name - its name, for error messages.
 * @returns the picture, 4 bytes per pixel.
 * @throws {@link DataFileError} naming `name` for a corrupt file.
 */
export function decodePng(bytes: Uint8Array, name: string): { width: number; height: number; data: Uint8Array } {
  const PNG = loadPngjs();
  try {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { checkCRC: true });
    return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
  } catch (err) {
    throw new DataFileError(name, `corrupt PNG data (${(err as Error).message})`);
  }
}
