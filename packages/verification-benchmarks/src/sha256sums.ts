// The format of data/SHA256SUMS: `sha256sum`'s, so `sha256sum -c` checks an installed copy too.

/** Name of the checksum list in the package's `data/` folder. */
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
