// Size and checksum verification of data files (Node only: uses node:crypto).
import { createHash } from 'node:crypto';
import { DataFileError } from './errors';
import type { KnownFile } from './known-files';

/** MD5 of `bytes` as lowercase hex. */
export function md5Hex(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

/** SHA-256 of `bytes` as lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Checks uncompressed file contents against a {@link KnownFile}: the size first, then the MD5,
 * then the SHA-256 when one is known.
 *
 * @param bytes - the file's contents after gunzip.
 * @param known - the expected size and checksums.
 * @param path - the file's path, used in error messages.
 * @throws {@link DataFileError} naming `path` and the expected file on any mismatch.
 */
export function verifyKnownFile(bytes: Uint8Array, known: KnownFile, path: string): void {
  if (bytes.length !== known.bytes) {
    throw new DataFileError(
      path,
      `${bytes.length} bytes (uncompressed), expected ${known.bytes} for the official ${known.file}: wrong or truncated file`,
    );
  }
  const md5 = md5Hex(bytes);
  if (md5 !== known.md5) {
    throw new DataFileError(path, `MD5 ${md5} (uncompressed), expected ${known.md5} for the official ${known.file}: corrupt or different file`);
  }
  if (known.sha256 !== undefined) {
    const sha = sha256Hex(bytes);
    if (sha !== known.sha256) {
      throw new DataFileError(path, `SHA-256 ${sha} (uncompressed), expected ${known.sha256} for the official ${known.file}`);
    }
  }
}
