// Reading one benchmark file, checked against its SHA-256 before anyone parses it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchmarkChecksums } from './checksums';
import { benchmarksDir } from './paths';

/**
 * Reads one shipped file and checks its SHA-256.
 *
 * @param path - path relative to {@link benchmarksDir}, as listed in `SHA256SUMS`, e.g.
 * `'acasxu/nnet/ACASXU_run2a_1_1_batch_2000.nnet'` or `'oval-cifar/base_easy.csv'`.
 * @returns the file's bytes.
 * @throws Error naming the path when it is not a shipped file, or when its bytes do not match the checksum.
 *
 * @example
 * ```ts
 * import { readBenchmarkFile } from '@nnlab/verification-benchmarks/node';
 *
 * const bytes = readBenchmarkFile('acasxu/vnnlib/prop_1.vnnlib'); // throws if the checksum differs
 * console.log(bytes.length); // → 888
 * ```
 */
export function readBenchmarkFile(path: string): Uint8Array {
  const sums = benchmarkChecksums();
  const expected = sums.get(path);
  if (expected === undefined) {
    throw new Error(`@nnlab/verification-benchmarks: '${path}' is not one of its ${sums.size} files (paths are relative to data/, e.g. '${sums.keys().next().value}')`);
  }
  const file = join(benchmarksDir(), path);
  const bytes = readFileSync(file);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== expected) throw new Error(`${file}: SHA-256 ${actual}, expected ${expected}: the installed copy is damaged; reinstall @nnlab/verification-benchmarks`);
  return bytes;
}
