// Plain-text tables and the machine description for the benchmark output.
import { cpus, loadavg, totalmem } from 'node:os';

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
