import type { LcaResult } from '@nnlab/lca';
import { escapeXml, formatNumber } from '../../report/format';
import { layerName } from '../../report/layer-names';

/** Running sums of `values`. */
export function cumsum(values: readonly number[]): number[] {
  let s = 0;
  return values.map((v) => (s += v));
}

/** `values` counted in `bins` equal-width bins, labelled by their centres. */
export function histogram(values: readonly number[], bins: number): { categories: string[]; counts: number[] } {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const w = (hi - lo) / bins || 1e-3;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / w))]++;
  return { categories: counts.map((_, b) => (lo + (b + 0.5) * w).toFixed(3)), counts };
}

/** The per-layer totals as an HTML table, layers named by `names` (see `report/layer-names.ts`). */
export function layerTable(result: LcaResult, names: Readonly<Record<string, string>>): string {
  const rows = result.layers.map((l) => {
    const sign = l.total < 0 ? '<span class="pass">helped</span>' : '<span class="fail">hurt</span>';
    return (
      `<tr><td>${escapeXml(layerName(names, l.name))}</td><td class="num">${l.parameters}</td><td class="num">${formatNumber(l.total)}</td>` +
      `<td class="num">${formatNumber(l.helped)}</td><td class="num">${formatNumber(l.hurt)}</td>` +
      `<td class="num">${formatNumber(l.helpedIterations / Math.max(1, result.iterations))}</td><td>${sign}</td></tr>`
    );
  });
  return (
    '<table><tr><th>Layer</th><th>Parameters</th><th>Σ LCA</th><th>Σ negative (help)</th><th>Σ positive (hurt)</th>' +
    `<th>Share of iterations helped</th><th>Overall</th></tr>${rows.join('')}</table>`
  );
}

/** Below this share of the loss range two curves of a 320-pixel chart are less than a pixel apart. */
const COINCIDE_SHARE = 1 / 250;

/**
 * The caption under the measured-vs-reconstructed loss figure: whether the two lines coincide at
 * the chart's resolution (then the dashed reconstruction lies on the measured line) and the
 * largest gap between them.
 */
export function reconstructionCaption(measured: readonly number[], reconstructed: readonly number[]): string {
  const gap = Math.max(...measured.map((v, i) => Math.abs(v - reconstructed[i])));
  const range = Math.max(...measured) - Math.min(...measured);
  const coincide = gap <= COINCIDE_SHARE * range;
  return coincide
    ? `The two lines coincide: the largest gap, ${formatNumber(gap)}, is under a pixel at this scale, so the dashed reconstruction lies on the wide measured line.`
    : `The lines differ by up to ${formatNumber(gap)} (${formatNumber(gap / (range || 1))} of the loss range): the reconstruction (dashed) drifts from the measured loss (wide).`;
}
