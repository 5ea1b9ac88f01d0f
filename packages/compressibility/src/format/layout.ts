/** Constants of the compressed-weights file format (version 1). */

/** The four bytes every file starts with: ASCII `NNLC`. */
export const COMPRESSED_FILE_MAGIC = Uint8Array.of(0x4e, 0x4e, 0x4c, 0x43);

/** The format version this package writes and reads. */
export const COMPRESSED_FILE_VERSION = 1;

/** Bytes before the first tensor: magic, version, coder id, reserved u16, file length u32, tensor count u32. */
export const FILE_HEADER_BYTES = 16;

/** Bytes of the trailing CRC-32. */
export const CHECKSUM_BYTES = 4;

/** Largest tensor rank the format stores. */
export const MAX_RANK = 8;

/** Largest number of values in one tensor. */
export const MAX_TENSOR_SIZE = 2 ** 31 - 1;

/** Quantiser ids in a tensor header. */
export const QUANTIZER_IDS = { uniform: 1, codebook: 2 } as const;
