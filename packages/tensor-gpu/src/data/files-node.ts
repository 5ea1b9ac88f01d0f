// File access for the data readers (Node only): reading with clear errors, gunzip, IDX files.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzip } from 'node:zlib';
import { DataFileError, isGzipData } from './errors';
import { parseIdx, type IdxData } from './idx';

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

/**
 * Gunzips `bytes` when they start with the gzip magic number; returns other input unchanged.
 *
 * @param bytes - file contents, compressed or not.
 * @param name - file name or path, used in error messages.
 * @throws {@link DataFileError} naming `name` when the gzip stream is corrupt or truncated.
 */
export async function gunzipIfNeeded(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  if (!isGzipData(bytes)) return bytes;
  return new Promise((resolve, reject) => {
    gunzip(bytes, (err, out) => {
      if (err) reject(new DataFileError(name, `corrupt or truncated gzip data (${err.message})`));
      else resolve(out);
    });
  });
}

/**
 * Reads and decodes an IDX file, gunzipping it first when it is gzip-compressed.
 *
 * @param path - the `.gz` or uncompressed IDX file.
 * @returns the decoded file, see `parseIdx`.
 * @throws {@link DataFileError} naming `path` for a missing, corrupt or malformed file.
 */
export async function readIdxFile(path: string): Promise<IdxData> {
  const bytes = await readDataFile(path, 'an IDX file');
  return parseIdx(await gunzipIfNeeded(bytes, path), path);
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
