/**
 * Error thrown by the data-set readers when a file is missing, malformed or fails a size or
 * checksum check. The message always starts with the file's name or path, then the problem.
 */
export class DataFileError extends Error {
  /** The file (name or path) the problem was found in. */
  readonly file: string;

  /**
   * @param file - name or path of the offending file; it prefixes the message.
   * @param problem - what is wrong, in words.
   */
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'DataFileError';
    this.file = file;
  }
}

/** True when `bytes` starts with the gzip magic number `1f 8b`. */
export function isGzipData(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}
