/** The error a malformed compressed-weights file raises. */

/** What is wrong with a compressed-weights file. */
export type CompressedFileProblem = 'truncated' | 'bad-magic' | 'bad-version' | 'bad-checksum' | 'inconsistent' | 'unknown-coder' | 'too-large';

/** Thrown by the decoder for a file it cannot trust; `problem` says why, the message says where. */
export class CompressedFileError extends Error {
  constructor(
    /** The kind of problem. */
    readonly problem: CompressedFileProblem,
    message: string,
  ) {
    super(`compressed weights file: ${message}`);
    this.name = 'CompressedFileError';
  }
}
