// File access for the data readers (Node only): reading with clear errors, gunzip, IDX files.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { DataFileError, isGzipData } from './errors';
import { idxByteLength, parseIdx, type IdxData } from './idx';

/**
 * Reads a whole file.
 *
 * @param path - the file.
 * @param expected - what the file should be, for the error message (e.g. `'MNIST test labels'`).
 * @throws {@link DataFileError} naming `path` when it is missing, a directory or unreadable.
 */
export async function readDataFile(path: string, expected: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataFileError(path, `file not found (expected ${expected})`);
    if (code === 'EISDIR') throw new DataFileError(path, `is a directory (expected a file: ${expected})`);
    throw new DataFileError(path, `cannot read (${(err as Error).message}); expected ${expected}`);
  }
}

/** Default cap on the size of gunzipped data (1 GiB): the largest data file read here is far smaller. */
export const GUNZIP_MAX_BYTES = 2 ** 30;

/** Options of {@link gunzipIfNeeded}. */
export interface GunzipOptions {
  /** Most bytes the decompressed data may have (default {@link GUNZIP_MAX_BYTES}); more is an error. */
  maxBytes?: number;
  /**
   * Called with the decompressed bytes so far, while they arrive, until it returns a number: the
   * exact size the data must have (checked as the rest arrives). It throws to reject the data, so
   * that a bad header stops the decompression after the first chunk. Return undefined to wait for
   * more bytes.
   */
  expectedSize?: (head: Uint8Array) => number | undefined;
}

/**
 * Gunzips `bytes` when they start with the gzip magic number; returns other input unchanged.
 * Decompresses as a stream and stops as soon as the output passes its cap or the size
 * `expectedSize` derived from the first bytes, so a small file cannot expand without bound.
 *
 * @param bytes - file contents, compressed or not.
 * @param name - file name or path, used in error messages.
 * @param options - size limits.
 * @throws {@link DataFileError} naming `name` when the gzip stream is corrupt or truncated, or
 * decompresses to more than allowed; whatever `expectedSize` throws.
 */
export async function gunzipIfNeeded(bytes: Uint8Array, name: string, options: GunzipOptions = {}): Promise<Uint8Array> {
  if (!isGzipData(bytes)) return bytes;
  const maxBytes = options.maxBytes ?? GUNZIP_MAX_BYTES;
  return new Promise((resolve, reject) => {
    const stream = createGunzip({ chunkSize: 64 * 1024 });
    const chunks: Buffer[] = [];
    let total = 0;
    let limit = maxBytes;
    let sized = options.expectedSize === undefined;
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      stream.destroy();
      reject(err);
    };
    stream.on('data', (chunk: Buffer) => {
      if (failed) return;
      chunks.push(chunk);
      total += chunk.length;
      if (!sized) {
        let expected: number | undefined;
        try {
          expected = options.expectedSize?.(chunks.length === 1 ? chunk : Buffer.concat(chunks));
        } catch (err) {
          fail(err);
          return;
        }
        if (expected !== undefined) {
          sized = true;
          limit = Math.min(limit, expected);
          if (expected > maxBytes) {
            fail(new DataFileError(name, `the header declares ${expected} bytes, more than the limit ${maxBytes}`));
            return;
          }
        }
      }
      if (total > limit) fail(new DataFileError(name, sized && limit < maxBytes ? `gzip data decompresses to more than the ${limit} bytes its header declares` : `gzip data decompresses to more than ${limit} bytes`));
    });
    stream.on('error', (err) => fail(new DataFileError(name, `corrupt or truncated gzip data (${err.message})`)));
    stream.on('end', () => {
      if (!failed) resolve(new Uint8Array(Buffer.concat(chunks, total)));
    });
    stream.end(bytes);
  });
}

/**
 * Reads and decodes an IDX file, gunzipping it first when it is gzip-compressed. The IDX header
 * is checked on the first decompressed bytes, and the data may not decompress past the size the
 * header declares.
 *
 * @param path - the `.gz` or uncompressed IDX file.
 * @returns the decoded file, see `parseIdx`.
 * @throws {@link DataFileError} naming `path` for a missing, corrupt or malformed file.
 */
export async function readIdxFile(path: string): Promise<IdxData> {
  const bytes = await readDataFile(path, 'an IDX file');
  return parseIdx(await gunzipIfNeeded(bytes, path, idxHeaderFirst(path)), path);
}

/**
 * Gunzip options for an IDX file: its header is checked on the first decompressed bytes, and the
 * data may not decompress past the size the header declares.
 */
export function idxHeaderFirst(path: string): GunzipOptions {
  return { expectedSize: (head) => idxByteLength(head, path) };
}

/**
 * Finds `file` in `dir`, as `file.gz` or else as the uncompressed `file`.
 *
 * @param dir - the data directory.
 * @param file - the file name without `.gz`.
 * @param expected - what the file should be, for error messages.
 * @returns the path found.
 * @throws {@link DataFileError} naming `dir` when it is not a directory, or naming the missing
 * `file.gz` path when neither form exists.
 */
export async function findDataFile(dir: string, file: string, expected: string): Promise<string> {
  await requireDirectory(dir, expected);
  const gz = join(dir, `${file}.gz`);
  const raw = join(dir, file);
  if (await isFile(gz)) return gz;
  if (await isFile(raw)) return raw;
  throw new DataFileError(gz, `file not found (expected ${expected}; the uncompressed ${file} is accepted too)`);
}

/**
 * True when `file.gz` or `file` exists in `dir`.
 *
 * @param dir - the data directory.
 * @param file - the file name without `.gz`.
 */
export async function hasDataFile(dir: string, file: string): Promise<boolean> {
  return (await isFile(join(dir, `${file}.gz`))) || (await isFile(join(dir, file)));
}

/**
 * Checks that `dir` exists and is a directory.
 *
 * @param dir - the data directory.
 * @param expected - what it should hold, for the error message.
 * @throws {@link DataFileError} naming `dir` otherwise.
 */
export async function requireDirectory(dir: string, expected: string): Promise<void> {
  let isDir = false;
  try {
    isDir = (await stat(dir)).isDirectory();
  } catch {
    throw new DataFileError(dir, `directory not found (expected a directory holding ${expected})`);
  }
  if (!isDir) throw new DataFileError(dir, `not a directory (expected a directory holding ${expected})`);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
