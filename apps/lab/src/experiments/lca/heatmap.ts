import type { LcaResult } from '@nnlab/lca';
import { escapeXml, formatNumber } from '../../report/format';
import { layerName } from '../../report/layer-names';

/** A diverging colour for v in [−1, 1]: blue (helped, negative) through white to red (hurt). */
function divergingColor(v: number): string {
  const x = Math.max(-1, Math.min(1, Number.isFinite(v) ? v : 0));
  const [r, g, b] = x < 0 ? [33, 102, 172] : [178, 24, 43];
  const a = Math.abs(x);
  const mix = (c: number) => Math.round(255 + (c - 255) * a);
  return `rgb(${mix(r)},${mix(g)},${mix(b)})`;
}

/**
 * A heatmap of unit (neuron/channel) LCA per iteration: one row per unit grouped by layer,
 * iterations binned into at most `maxColumns` columns (sums), a symmetric colour scale at the
 * 99th percentile of |value|; layers are labelled by `names`.
 */
export function unitHeatmap(result: LcaResult, names: Readonly<Record<string, string>>, options: { title: string; maxColumns?: number; width?: number } = { title: 'Unit LCA' }): string {
  const units = result.units.filter((u) => u.series && u.index >= 0);
  const T = result.iterations;
  const cols = Math.max(1, Math.min(options.maxColumns ?? 120, T));
  const per = T / cols;
  const rows = units.map((u) => Array.from({ length: cols }, (_, c) => {
    let s = 0;
    for (let i = Math.floor(c * per); i < Math.floor((c + 1) * per); i++) s += u.series![i];
    return s;
  }));
  const mags = rows.flat().map(Math.abs).sort((a, b) => a - b);
  const scale = mags.length ? mags[Math.min(mags.length - 1, Math.floor(0.99 * mags.length))] || 1 : 1;
  const width = options.width ?? 640;
  const left = 112;
  const top = 40;
  const cellW = (width - left - 16) / cols;
  const cellH = Math.max(1, Math.min(8, 480 / Math.max(1, rows.length)));
  const height = top + rows.length * cellH + 50;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart heatmap" width="${width}" height="${height.toFixed(0)}" viewBox="0 0 ${width} ${height.toFixed(0)}" role="img" aria-label="${escapeXml(options.title)}" font-family="system-ui, sans-serif" font-size="12">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="600">${escapeXml(options.title)}</text>`,
  ];
  let previous = '';
  rows.forEach((row, r) => {
    const y = top + r * cellH;
    if (units[r].layer !== previous) {
      previous = units[r].layer;
      parts.push(`<line x1="${left - 4}" x2="${width - 16}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#333" stroke-width="0.5"/>`);
      parts.push(`<text x="${left - 6}" y="${(y + 10).toFixed(1)}" text-anchor="end">${escapeXml(layerName(names, previous))}</text>`);
    }
    row.forEach((v, c) => {
      parts.push(`<rect x="${(left + c * cellW).toFixed(2)}" y="${y.toFixed(2)}" width="${(cellW + 0.05).toFixed(2)}" height="${(cellH + 0.05).toFixed(2)}" fill="${divergingColor(v / scale)}"/>`);
    });
  });
  const bottom = top + rows.length * cellH;
  parts.push(`<text x="${left}" y="${(bottom + 16).toFixed(1)}">iteration 0</text>`);
  parts.push(`<text x="${width - 16}" y="${(bottom + 16).toFixed(1)}" text-anchor="end">${T}</text>`);
  parts.push(
    `<text x="${(left + width - 16) / 2}" y="${(bottom + 36).toFixed(1)}" text-anchor="middle">blue: helped (LCA &lt; 0), red: hurt; colour saturates at ±${escapeXml(formatNumber(scale))} per column</text>`,
  );
  parts.push('</svg>');
  return parts.join('');
}
