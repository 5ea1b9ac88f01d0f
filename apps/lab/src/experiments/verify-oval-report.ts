/**
 * Judging and rendering an OVAL run: the side-by-side table the paper would print (solved,
 * timeouts, mean time, mean branches per rule, ours next to the reference's recorded runs on the
 * same rows cut at our time limit, and the GNN/BaBSR ratios of both) and the per-property table.
 */
import { compareOval, type OvalComparison } from '@nnlab/bab-gnn';
import type { ReportSection, SummaryRow } from '../experiment';
import { escapeXml, formatNumber } from '../report/format';
import type { OvalMeasurement, OvalSettings } from './verify-oval';

/** The paper's GNN/BaBSR branch ratio on base_easy (recomputed from its recorded runs). */
export const OVAL_PAPER_BRANCH_RATIO = 0.47;

function table(header: string[], rows: (string | number)[][]): string {
  const cell = (v: string | number) => `<td>${escapeXml(typeof v === 'number' ? (Number.isFinite(v) ? formatNumber(v) : '—') : v)}</td>`;
  return `<table><thead><tr>${header.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody></table>`;
}

/** The comparison and its summary rows: solved counts against the reference's within the same limit, and the ratios. */
export function judgeOval(m: OvalMeasurement, s: OvalSettings): { comparison: OvalComparison; summary: SummaryRow[] } {
  const comparison = compareOval(m.properties, m.runs, s.timeout);
  const ref = comparison.reference.babsr;
  const summary: SummaryRow[] = Object.entries(comparison.ours).map(([rule, o]) => ({
    metric: `${s.suite}: ${rule} solved (${s.timeout} s)`,
    value: `${o.solved}/${o.properties}`,
    reference: `reference BaBSR ${ref.solved}/${ref.properties} within ${s.timeout} s on the same rows`,
  }));
  if (comparison.oursRatio && comparison.oursRatio.bothSolved === 0) summary.push({ metric: `${s.suite}: GNN/BaBSR`, value: 'no property solved by both' });
  else if (comparison.oursRatio) {
    const r = comparison.oursRatio;
    summary.push(
      { metric: `${s.suite}: GNN/BaBSR branches (${r.bothSolved} both solved)`, value: r.branches, reference: `≤ 0.6 (paper ${OVAL_PAPER_BRANCH_RATIO}; reference on these rows ${formatNumber(comparison.referenceRatio.branches)})` },
      { metric: `${s.suite}: GNN/BaBSR time`, value: r.time, reference: `reference on these rows ${formatNumber(comparison.referenceRatio.time)}` },
    );
  }
  return { comparison, summary };
}

/** The side-by-side and per-property tables. */
export function renderOval(m: OvalMeasurement, s: OvalSettings, c: OvalComparison): ReportSection[] {
  const summaryRows = [
    ...Object.entries(c.ours).map(([rule, o]) => [`ours: ${rule}`, `${o.solved}/${o.properties}`, o.timeouts, o.meanTimeS, o.meanBranches]),
    ...Object.entries(c.reference).map(([rule, o]) => [`reference: ${rule}`, `${o.solved}/${o.properties}`, o.timeouts, o.meanTimeS, o.meanBranches]),
  ];
  const ratio = (label: string, r: OvalComparison['referenceRatio'] | undefined) => [label, r ? r.bothSolved : 0, r ? r.time : NaN, r ? r.branches : NaN];
  const byRow = m.properties.map((p) => {
    const of = (rule: string) => m.runs.find((r) => r.row === p.row && r.rule === rule);
    return [p.row, p.imageIndex, `${p.label}→${p.target}`, p.eps, ...s.rules.flatMap((rule) => [of(rule)?.status ?? '—', of(rule)?.timeS ?? NaN, of(rule)?.branches ?? NaN]), p.recorded.babsr.timeS ?? NaN, p.recorded.babsr.branches ?? NaN, p.recorded.gnn.timeS ?? NaN, p.recorded.gnn.branches ?? NaN];
  });
  const note = `ReLU splitting, one domain per step, CROWN bounds in float64 with outward rounding (intermediate bounds recomputed below each split), ${s.timeout} s per property and rule. The reference (Lu &amp; Kumar's code: Planet LP bounds by Gurobi, 3600 s limit, their machine) is counted as solved only where its recorded time is within ${s.timeout} s. Mean time over all properties (unsolved at the limit), mean branches over the solved ones. The GNN is the package's pretrained one (trained on small random dense networks, not on this model).`;
  return [
    {
      title: `OVAL ${s.suite}: side by side with the reference`,
      html: `<p>${note}</p>${table(['method', 'solved', 'timeouts', 'mean time (s)', 'mean branches'], summaryRows)}${table(['GNN / BaBSR', 'both solved', 'time ratio', 'branch ratio'], [ratio('ours', c.oursRatio), ratio('reference (same rows, same limit)', c.referenceRatio)])}`,
    },
    {
      title: `OVAL ${s.suite}: per property`,
      html: table(['row', 'image', 'label→target', 'ε', ...s.rules.flatMap((r) => [`${r} verdict`, `${r} time (s)`, `${r} branches`]), 'ref BaBSR time (s)', 'ref BaBSR branches', 'ref GNN time (s)', 'ref GNN branches'], byRow),
    },
  ];
}
