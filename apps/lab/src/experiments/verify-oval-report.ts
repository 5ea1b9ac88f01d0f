/**
 * Judging and rendering an OVAL run: the side-by-side table the paper would print (solved,
 * timeouts, mean time, mean branches per rule, ours next to the reference's recorded runs on the
 * same rows cut at our time limit, and the GNN/BaBSR ratios of both) and the per-property table.
 */
import { compareOval, OVAL_DEFAULT_BOUNDING, type OvalComparison } from '@nnlab/bab-gnn';
import type { ReportSection, SummaryRow } from '../experiment';
import { escapeXml, formatNumber } from '../report/format';
import type { OvalMeasurement, OvalSettings } from './verify-oval';

/** The paper's GNN/BaBSR branch ratio on base_easy (recomputed from its recorded runs). */
export const OVAL_PAPER_BRANCH_RATIO = 0.47;

function table(header: string[], rows: (string | number)[][]): string {
  const cell = (v: string | number) => `<td>${escapeXml(typeof v === 'number' ? (Number.isFinite(v) ? formatNumber(v) : '—') : v)}</td>`;
  return `<table><thead><tr>${header.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody></table>`;
}

/** The limit a run was judged at, as the tables name it. */
const limitLabel = (s: OvalSettings) => (s.cpuTimeout !== undefined ? `${s.cpuTimeout} CPU s` : `${s.timeout} s`);

/**
 * The comparison and its summary rows: solved counts against the reference's within the same limit,
 * and the ratios. Under a CPU-seconds limit our times are CPU seconds and a verdict counts as solved
 * (the search stopped at the limit otherwise); the reference's recorded wall times are cut at the
 * same number of seconds.
 */
export function judgeOval(m: OvalMeasurement, s: OvalSettings): { comparison: OvalComparison; summary: SummaryRow[] } {
  const comparison =
    s.cpuTimeout === undefined
      ? compareOval(m.properties, m.runs, s.timeout)
      : compareOval(
          m.properties,
          m.runs.map((r) => {
            if (r.cpuS === undefined) throw new Error(`judgeOval: row ${r.row} ${r.rule} has no CPU time, needed under --cpu-timeout`);
            return { ...r, timeS: r.cpuS };
          }),
          s.cpuTimeout,
          { solvedByVerdict: true },
        );
  const ref = comparison.reference.babsr;
  const summary: SummaryRow[] = Object.entries(comparison.ours).map(([rule, o]) => ({
    metric: `${s.suite}: ${rule} solved (${limitLabel(s)})`,
    value: `${o.solved}/${o.properties}`,
    reference: `reference BaBSR ${ref.solved}/${ref.properties} within ${s.cpuTimeout ?? s.timeout} s on the same rows`,
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
    const time = (run: ReturnType<typeof of>) => (s.cpuTimeout !== undefined ? run?.cpuS : run?.timeS) ?? NaN;
    return [p.row, p.imageIndex, `${p.label}→${p.target}`, p.eps, ...s.rules.flatMap((rule) => [of(rule)?.status ?? '—', time(of(rule)), of(rule)?.branches ?? NaN]), p.recorded.babsr.timeS ?? NaN, p.recorded.babsr.branches ?? NaN, p.recorded.gnn.timeS ?? NaN, p.recorded.gnn.branches ?? NaN];
  });
  const limit = s.cpuTimeout !== undefined ? `${s.cpuTimeout} CPU seconds (of this process; wall-clock limit ${s.timeout} s) per property and rule; our times are CPU seconds` : `${s.timeout} s per property and rule`;
  const objective = (s.bounding ?? OVAL_DEFAULT_BOUNDING) === 'alpha-beta' ? 'the objective by α,β-CROWN (10 Adam steps on the slopes and the split multipliers, from the parent domain\'s)' : 'the objective by CROWN with 5 sign steps on the slopes';
  const note = `ReLU splitting, one domain per step, CROWN bounds in float64 with outward rounding (intermediate bounds recomputed below each split; ${objective}), ${limit}. The reference (Lu &amp; Kumar's code: Planet LP bounds by Gurobi, 3600 s limit, their machine) is counted as solved only where its recorded time is within ${s.cpuTimeout ?? s.timeout} s. Mean time over all properties (unsolved at the limit), mean branches over the solved ones. The GNN is the package's pretrained 'oval-base' network, trained by imitation of strong branching on base_med properties of this model (none of them a base_easy, oval-20 or oval-100 row).`;
  return [
    {
      title: `OVAL ${s.suite}: side by side with the reference`,
      html: `<p>${note}</p>${table(['method', 'solved', 'timeouts', 'mean time (s)', 'mean branches'], summaryRows)}${table(['GNN / BaBSR', 'both solved', 'time ratio', 'branch ratio'], [ratio('ours', c.oursRatio), ratio('reference (same rows, same limit)', c.referenceRatio)])}`,
    },
    {
      title: `OVAL ${s.suite}: per property`,
      html: table(['row', 'image', 'label→target', 'ε', ...s.rules.flatMap((r) => [`${r} verdict`, `${r} ${s.cpuTimeout !== undefined ? 'CPU' : 'time'} (s)`, `${r} branches`]), 'ref BaBSR time (s)', 'ref BaBSR branches', 'ref GNN time (s)', 'ref GNN branches'], byRow),
    },
  ];
}
