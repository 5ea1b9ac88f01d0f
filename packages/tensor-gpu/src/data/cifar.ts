// Parser for the CIFAR-10 binary format: records of 1 label byte + 3072 pixel bytes
// (1024 R, 1024 G, 1024 B; each plane 32x32 row-major). Browser-safe: no Node imports.
import { DataFileError, isGzipData } from './errors';

/** Bytes per CIFAR-10 record: 1 label byte and 3 × 32 × 32 pixel bytes. */
export const CIFAR10_RECORD_BYTES = 3073;

/** Pixel bytes per CIFAR-10 image (3 × 32 × 32). */
export const CIFAR10_IMAGE_BYTES = 3072;

/** Shape `[C, H, W]` of one CIFAR-10 image. */
export const CIFAR10_IMAGE_SHAPE: readonly [3, 32, 32] = [3, 32, 32];

/** A decoded CIFAR-10 batch file. */
export interface Cifar10Data {
  /** `count × 3 × 32 × 32` pixel bytes, NCHW (a fresh array, not a view of the input). */
  images: Uint8Array;
  /** One label per image, each in 0..9. */
  labels: Uint8Array;
  /** Number of images. */
  count: number;
}

/** Options for {@link parseCifar10}. */
export interface ParseCifar10Options {
  /**
   * Number of records the file must hold. The format has no header, so a file cut at a record
   * boundary is otherwise indistinguishable from a smaller batch.
   */
  expectedCount?: number;
}

/**
 * Decodes an uncompressed CIFAR-10 binary batch (such as `data_batch_1.bin`).
 *
 * @param bytes - the whole file, uncompressed (gzip input is rejected with a clear message).
 * @param name - file name or path, used in every error message.
 * @param options - optionally the record count the file must hold.
 * @returns the images in NCHW order, the labels, and the record count.
 * @throws {@link DataFileError} naming `name` for: empty or gzip input, a length that is not a
 * multiple of 3073, a label above 9, a record count other than `expectedCount`.
 */
export function parseCifar10(bytes: Uint8Array, name: string, options: ParseCifar10Options = {}): Cifar10Data {
  const fail = (problem: string) => new DataFileError(name, problem);
  if (!(bytes instanceof Uint8Array)) throw fail('expected the file contents as a Uint8Array');
  if (bytes.length === 0) throw fail('empty file, expected CIFAR-10 records');
  if (isGzipData(bytes)) {
    throw fail('gzip-compressed data; decompress it first (in Node, gunzipIfNeeded does this)');
  }
  if (bytes.length % CIFAR10_RECORD_BYTES !== 0) {
    throw fail(
      `length ${bytes.length} is not a multiple of the ${CIFAR10_RECORD_BYTES}-byte CIFAR-10 record ` +
        `(${Math.floor(bytes.length / CIFAR10_RECORD_BYTES)} records + ${bytes.length % CIFAR10_RECORD_BYTES} bytes)`,
    );
  }
  const count = bytes.length / CIFAR10_RECORD_BYTES;
  const { expectedCount } = options;
  if (expectedCount !== undefined && count !== expectedCount) {
    throw fail(`holds ${count} CIFAR-10 records, expected ${expectedCount}`);
  }
  const labels = new Uint8Array(count);
  const images = new Uint8Array(count * CIFAR10_IMAGE_BYTES);
  for (let i = 0; i < count; i++) {
    const at = i * CIFAR10_RECORD_BYTES;
    const label = bytes[at];
    if (label > 9) throw fail(`record ${i} (byte offset ${at}) has label ${label}, expected 0..9`);
    labels[i] = label;
    images.set(bytes.subarray(at + 1, at + CIFAR10_RECORD_BYTES), i * CIFAR10_IMAGE_BYTES);
  }
  return { images, labels, count };
}
