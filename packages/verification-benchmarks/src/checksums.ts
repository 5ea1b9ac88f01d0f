// The SHA-256 list shipped in data/SHA256SUMS, read from the installed package.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchmarksDir } from './paths';
import { CHECKSUM_FILE, parseSha256Sums } from './sha256sums';

/** The SHA-256 of every file the package ships, by path relative to {@link benchmarksDir} (e.g. `acasxu/vnnlib/prop_1.vnnlib`). */
export function benchmarkChecksums(): Map<string, string> {
  const path = join(benchmarksDir(), CHECKSUM_FILE);
  return parseSha256Sums(readFileSync(path, 'utf8'), path);
}
