/** The plain-text summary table printed to stdout at the end of a run. */
import { formatValue } from './format';
import type { LabReport } from './model';

/** Lays out rows of cells as an aligned text table with a header rule. */
export function textTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The summary of every experiment of a run: one line per summary row, one per failed experiment. */
export function summaryTable(report: LabReport): string {
  const rows: string[][] = [];
  for (const e of report.experiments) {
    if (e.status === 'failed') {
      rows.push([e.id, 'error', e.error?.message.split('\n')[0] ?? 'unknown error', '', 'FAIL']);
      continue;
    }
    for (const row of e.result?.summary ?? []) {
      rows.push([e.id, row.metric, formatValue(row.value), row.reference ?? '', row.pass === undefined ? '' : row.pass ? 'pass' : 'FAIL']);
    }
  }
  return textTable(['experiment', 'metric', 'value', 'reference', 'check'], rows);
}
