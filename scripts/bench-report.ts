// Plain-text tables, the machine description and small statistics for the technique packages' benchmark output.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { readFile, rename, writeFile } from 'node:fs/promises';

/** A fixed-width text table with a header row. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: readonly string[]) => cells.map((s, c) => s.padEnd(widths[c])).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Where the numbers were measured. */
export function machineInfo(backend: string): Record<string, unknown> {
  return {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    loadavg1AtStart: loadavg()[0],
    backend,
    date: new Date().toISOString(),
  };
}

/** Bytes in MiB with 3 significant digits. */
export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toPrecision(3)} MiB`;
}

/** The arithmetic mean of a list of numbers (NaN for none). */
export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
}

/** The standard error of the mean: the sample standard deviation (n − 1) over √n; NaN for fewer than two values. */
export function standardError(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return NaN;
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (n - 1) / n);
}

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The commit the numbers were measured on, with `dirty: true` when tracked files differ from it:
 * results must name the kernel version they ran on. Null outside a git checkout.
 */
export function gitRevision(): { commit: string; dirty: boolean } | null {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    return { commit, dirty };
  } catch {
    return null;
  }
}

/** The 1-, 5- and 15-minute load averages (what `uptime` prints), rounded to 2 decimals. */
export function loadAverages(): [number, number, number] {
  const [a, b, c] = loadavg().map((v) => Number(v.toFixed(2)));
  return [a, b, c];
}

/** A file's bytes, or null when it does not exist (a checkpoint not written yet). */
export async function readFileIfExists(file: string): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * Writes `bytes` through a temporary file named after the process and a rename, so a reader never
 * sees half a file (a run killed mid-write keeps its last complete checkpoint), also when several
 * processes update the same file.
 */
export async function writeFileAtomic(file: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, file);
}

/** A JSON file's parsed content, or null when it does not exist or does not parse (a results file not written yet). */
export async function readJsonFile<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** Writes `value` as indented JSON with {@link writeFileAtomic}. */
export async function writeJsonFileAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 1)}\n`);
}

/** Reads a bench script's `--threads N` (optional): the cpu backend's threads, for `setBackend`. */
export function parseThreads(where: string, value: string | undefined): { threads?: number } {
  if (value === undefined) return {};
  const threads = Number(value);
  if (!(Number.isInteger(threads) && threads >= 1)) throw new Error(`${where}: --threads must be a positive integer, got ${value}`);
  return { threads };
}
