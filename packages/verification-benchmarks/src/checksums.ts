// The SHA-256 list shipped in data/SHA256SUMS (the `sha256sum` format, so `sha256sum -c` checks it too).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchmarksDir } from './paths';

/** Name of the checksum list inside {@link benchmarksDir}. */
export const CHECKSUM_FILE = 'SHA256SUMS';

/**
 * Parses a `sha256sum` listing: one `<64 hex digits>  <path>` per line.
 *
 * @param text - the listing.
 * @param name - file name for error messages.
 * @returns SHA-256 (lowercase hex) by path, in listing order.
 * @throws Error naming `name` and the line for a malformed line or a path listed twice.
 */
export function parseSha256Sums(text: string, name: string): Map<string, string> {
  const sums = new Map<string, string>();
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!m) throw new Error(`${name}:${i + 1}: expected '<64 lowercase hex digits>  <path>', got '${line.slice(0, 80)}'`);
    if (sums.has(m[2])) throw new Error(`${name}:${i + 1}: '${m[2]}' is listed twice`);
    sums.set(m[2], m[1]);
  });
  return sums;
}

/** The SHA-256 of every file the package ships, by path relative to {@link benchmarksDir} (e.g. `acasxu/vnnlib/prop_1.vnnlib`). */
export function benchmarkChecksums(): Map<string, string> {
  const path = join(benchmarksDir(), CHECKSUM_FILE);
  return parseSha256Sums(readFileSync(path, 'utf8'), path);
}
