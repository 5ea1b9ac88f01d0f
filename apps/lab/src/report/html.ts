/**
 * Writes a run's report: a self-contained `report.html` (inline CSS and SVG, no external assets)
 * and `report.json` with every number.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SummaryRow } from '../experiment';
import { escapeXml, formatValue } from './format';
import type { ExperimentRecord, LabReport } from './model';

/** The paths {@link writeReport} wrote. */
export interface WrittenReport {
  /** The HTML report. */
  html: string;
  /** The JSON report. */
  json: string;
}

const CSS = `
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1a1a1a; margin: 0; background: #fafafa; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 32px 64px; background: #fff; }
h1 { margin: 0 0 4px; font-size: 26px; }
h2 { margin-top: 40px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { margin-top: 24px; }
.meta { color: #555; margin: 0 0 16px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ddd; padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; }
.pass { color: #0a7d32; font-weight: 600; }
.fail { color: #b00020; font-weight: 600; }
pre.error { background: #fff0f0; border: 1px solid #f3c2c2; padding: 8px; overflow-x: auto; font-size: 13px; }
svg.chart { display: block; max-width: 100%; height: auto; margin: 8px 0; }
code { background: #f2f2f2; padding: 0 3px; border-radius: 3px; }
`;

function checkCell(row: SummaryRow): string {
  if (row.pass === true) return '<td class="pass">pass</td>';
  if (row.pass === false) return '<td class="fail">FAIL</td>';
  return '<td></td>';
}

function summaryRows(record: ExperimentRecord): string {
  const name = `<a href="#${escapeXml(record.id)}">${escapeXml(record.id)}</a>`;
  if (record.status === 'failed') {
    return `<tr><td>${name}</td><td>error</td><td colspan="2">${escapeXml(record.error?.message ?? 'unknown error')}</td><td class="fail">FAIL</td></tr>`;
  }
  return (record.result?.summary ?? [])
    .map(
      (row) =>
        `<tr><td>${name}</td><td>${escapeXml(row.metric)}</td>` +
        `<td${typeof row.value === 'number' ? ' class="num"' : ''}>${escapeXml(formatValue(row.value))}</td>` +
        `<td>${escapeXml(row.reference ?? '')}</td>${checkCell(row)}</tr>`,
    )
    .join('\n');
}

function experimentSection(record: ExperimentRecord): string {
  const head =
    `<section id="${escapeXml(record.id)}"><h2>${escapeXml(record.title)} <small>(<code>nnlab ${escapeXml(record.id)}</code>)</small></h2>` +
    `<p>${escapeXml(record.description)}</p>` +
    `<p class="meta">${record.status === 'ok' ? 'Finished' : '<span class="fail">Failed</span>'} in ${(record.durationMs / 1000).toFixed(1)} s ` +
    `(${escapeXml(record.tier)} tier${record.expectedSeconds === null ? '' : `, expected ${record.expectedSeconds} s on the reference machine`}` +
    `${record.backends.length ? `; backend ${escapeXml(record.backends.join(', '))}` : ''}).</p>`;
  if (record.status === 'failed') {
    return `${head}<pre class="error">${escapeXml(record.error?.stack ?? record.error?.message ?? 'unknown error')}</pre></section>`;
  }
  const body = (record.result?.sections ?? []).map((s) => `<h3>${escapeXml(s.title)}</h3>\n${s.html}`).join('\n');
  return `${head}\n${body}</section>`;
}

/** Renders the whole report as one HTML document. */
export function renderReportHtml(report: LabReport): string {
  const env = report.environment;
  const p = report.provenance;
  const envRows: Array<[string, string]> = [
    ['Commit', p.git.commit === null ? p.git.reason : `${p.git.commit}${p.git.dirty ? ' (with uncommitted changes)' : ''}`],
    ['Seed', String(p.seed)],
    ['Tier', p.tier],
    ['Options', Object.keys(p.options).length ? JSON.stringify(p.options) : 'none'],
    ['Packages', Object.entries(p.packages).map(([name, version]) => `${name} ${version}`).join(', ')],
    ['Node', env.node],
    ['Platform', `${env.platform} ${env.osRelease} (${env.arch})`],
    ['CPUs', `${env.cpuCount} × ${env.cpuModel}`],
    ['Memory', `${env.memoryGiB} GiB`],
    ['X display', env.display ? 'yes' : 'no'],
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(report.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${escapeXml(report.title)}</h1>
<p class="meta">${escapeXml(report.startedAt)} · <code>${escapeXml(report.command)}</code></p>
<h2>Environment</h2>
<table>${envRows.map(([k, v]) => `<tr><th>${escapeXml(k)}</th><td>${escapeXml(v)}</td></tr>`).join('')}</table>
<h2>Summary</h2>
<table class="summary">
<tr><th>Experiment</th><th>Metric</th><th>Value</th><th>Reference</th><th>Check</th></tr>
${report.experiments.map(summaryRows).join('\n')}
</table>
${report.experiments.map(experimentSection).join('\n')}
</main>
</body>
</html>
`;
}

/**
 * The report as JSON text: everything except the sections' HTML bodies (their titles are kept).
 * Typed arrays become arrays; `NaN` and `±Infinity` become the strings `"NaN"`, `"Infinity"` and
 * `"-Infinity"` so that no number is lost.
 */
export function renderReportJson(report: LabReport): string {
  const plain = {
    ...report,
    experiments: report.experiments.map((e) => ({
      ...e,
      result: e.result && { summary: e.result.summary, sections: e.result.sections.map((s) => ({ title: s.title })), data: e.result.data },
    })),
  };
  return `${JSON.stringify(
    plain,
    (_key, value: unknown) => {
      if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
      if (typeof value === 'bigint') return value.toString();
      if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
      return value;
    },
    2,
  )}\n`;
}

/** Writes `report.html` and `report.json` into `dir` (created if needed). */
export async function writeReport(dir: string, report: LabReport): Promise<WrittenReport> {
  await mkdir(dir, { recursive: true });
  const html = join(dir, 'report.html');
  const json = join(dir, 'report.json');
  await writeFile(html, renderReportHtml(report));
  await writeFile(json, renderReportJson(report));
  return { html, json };
}
