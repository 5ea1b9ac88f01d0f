import type { LcaResult } from '@nnlab/lca';
import { escapeXml, formatNumber } from '../../report/format';

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

/** The per-layer totals as an HTML table. */
export function layerTable(result: LcaResult): string {
  const rows = result.layers.map((l) => {
    const sign = l.total < 0 ? '<span class="pass">helped</span>' : '<span class="fail">hurt</span>';
    return (
      `<tr><td>${escapeXml(l.name)}</td><td class="num">${l.parameters}</td><td class="num">${formatNumber(l.total)}</td>` +
      `<td class="num">${formatNumber(l.helped)}</td><td class="num">${formatNumber(l.hurt)}</td>` +
      `<td class="num">${formatNumber(l.helpedIterations / Math.max(1, result.iterations))}</td><td>${sign}</td></tr>`
    );
  });
  return (
    '<table><tr><th>Layer</th><th>Parameters</th><th>Σ LCA</th><th>Σ negative (help)</th><th>Σ positive (hurt)</th>' +
    `<th>Share of iterations helped</th><th>Overall</th></tr>${rows.join('')}</table>`
  );
}
