/**
 * Small inline-SVG charts for the report: grouped bar charts and line charts. Every text that goes
 * into the SVG is escaped, so labels may hold any characters.
 */
import { escapeXml, formatNumber } from './format';

/** Escapes text for XML; re-exported so that chart code needs one import. */
export { escapeXml } from './format';

/** Colours of the series, in order (Okabe–Ito, readable with colour-blindness). */
export const SERIES_COLORS: readonly string[] = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

/** One series of a bar chart: a value per category (`null` or a non-finite number: no bar). */
export interface BarSeries {
  /** The legend label. */
  name: string;
  /** One value per category, in the order of {@link BarChartOptions.categories}. */
  values: ReadonlyArray<number | null | undefined>;
}

/** Options of {@link barChart}. */
export interface BarChartOptions {
  /** The chart title. */
  title: string;
  /** The groups along the x axis. */
  categories: readonly string[];
  /** The bars of each group, one per series. */
  series: readonly BarSeries[];
  /** The y axis label. */
  yLabel?: string;
  /** Width in pixels (default 640). */
  width?: number;
  /** Height in pixels (default 320). */
  height?: number;
  /** Formats the value printed above each bar and on the axis (default {@link formatNumber}). */
  format?: (value: number) => string;
}

/** One series of a line chart. */
export interface LineSeries {
  /** The legend label. */
  name: string;
  /** `[x, y]` points in x order; a non-finite y breaks the line. */
  points: ReadonlyArray<readonly [number, number]>;
  /**
   * An SVG `stroke-dasharray` such as `'6 4'` (default: solid). Give one of two lines that may lie on
   * each other a dash and the other a wider solid stroke, so that both stay visible.
   */
  dash?: string;
  /** Stroke width in pixels (default 1.5). */
  strokeWidth?: number;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  /** The chart title. */
  title: string;
  /** The lines. */
  series: readonly LineSeries[];
  /** The x axis label. */
  xLabel?: string;
  /** The y axis label. */
  yLabel?: string;
  /** A logarithmic y axis (non-positive values are left out). */
  logY?: boolean;
  /** Width in pixels (default 640). */
  width?: number;
  /** Height in pixels (default 320). */
  height?: number;
}

/** About `count` round tick values (1, 2 or 5 times a power of ten) covering `[min, max]`. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) / 2;
    min -= pad;
    max += pad;
  }
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const first = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let v = first; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1] < max) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

const MARGIN = { top: 40, right: 16, bottom: 56, left: 64 };

function svgOpen(width: number, height: number, title: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `role="img" aria-label="${escapeXml(title)}" font-family="system-ui, sans-serif" font-size="12">` +
    `<title>${escapeXml(title)}</title>` +
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="600">${escapeXml(title)}</text>`
  );
}

/** One legend entry: a colour swatch for bars, a stroke sample (with its dash and width) for lines. */
interface LegendItem {
  name: string;
  line?: { dash?: string; strokeWidth?: number };
}

function legend(entries: readonly LegendItem[], width: number): string {
  if (entries.length < 2) return '';
  let x = width - MARGIN.right;
  const items: string[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const { name, line } = entries[i];
    const swatch = line ? 22 : 10;
    const w = swatch + 8 + name.length * 7;
    x -= w;
    const color = SERIES_COLORS[i % SERIES_COLORS.length];
    const sample = line
      ? `<line x1="${x}" x2="${x + swatch}" y1="33" y2="33" stroke="${color}" stroke-width="${line.strokeWidth ?? 1.5}"${line.dash ? ` stroke-dasharray="${escapeXml(line.dash)}"` : ''}/>`
      : `<rect x="${x}" y="28" width="10" height="10" fill="${color}"/>`;
    items.push(`<g class="legend-item">${sample}<text x="${x + swatch + 4}" y="37">${escapeXml(name)}</text></g>`);
  }
  return `<g class="legend">${items.reverse().join('')}</g>`;
}

function yAxis(ticks: readonly number[], y: (v: number) => number, width: number, label: string | undefined, height: number, fmt: (v: number) => string): string {
  const parts: string[] = [];
  for (const t of ticks) {
    const py = y(t).toFixed(1);
    parts.push(`<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${py}" y2="${py}" stroke="#ddd"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${escapeXml(fmt(t))}</text>`);
  }
  if (label) {
    const cy = (MARGIN.top + 16 + height - MARGIN.bottom) / 2;
    parts.push(`<text x="14" y="${cy}" text-anchor="middle" transform="rotate(-90 14 ${cy})">${escapeXml(label)}</text>`);
  }
  return `<g class="y-axis">${parts.join('')}</g>`;
}

/**
 * A grouped bar chart: one group per category, one bar per series inside each group, the value
 * printed above each bar. Each bar is a `<rect class="bar">` with a `<title>` tooltip.
 */
export function barChart(options: BarChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 320;
  const fmt = options.format ?? formatNumber;
  const values = options.series.flatMap((s) => s.values).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const ticks = niceTicks(Math.min(0, ...values), Math.max(0, ...values, values.length ? 0 : 1));
  const lo = ticks[0];
  const hi = ticks[ticks.length - 1];
  const top = MARGIN.top + 16;
  const bottom = height - MARGIN.bottom;
  const y = (v: number) => bottom - ((v - lo) / (hi - lo)) * (bottom - top);
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const groupWidth = plotWidth / Math.max(1, options.categories.length);
  const barWidth = (groupWidth * 0.8) / Math.max(1, options.series.length);
  const parts: string[] = [svgOpen(width, height, options.title), legend(options.series.map((s) => ({ name: s.name })), width)];
  parts.push(yAxis(ticks, y, width, options.yLabel, height, fmt));
  const bars: string[] = [];
  options.categories.forEach((category, c) => {
    const gx = MARGIN.left + c * groupWidth;
    parts.push(`<text x="${(gx + groupWidth / 2).toFixed(1)}" y="${bottom + 18}" text-anchor="middle">${escapeXml(category)}</text>`);
    options.series.forEach((series, s) => {
      const v = series.values[c];
      if (typeof v !== 'number' || !Number.isFinite(v)) return;
      const x = gx + groupWidth * 0.1 + s * barWidth;
      const y0 = y(Math.max(0, lo));
      const y1 = y(v);
      const label = `${category} · ${series.name}: ${fmt(v)}`;
      bars.push(
        `<rect class="bar" x="${x.toFixed(1)}" y="${Math.min(y0, y1).toFixed(1)}" width="${Math.max(1, barWidth - 2).toFixed(1)}" ` +
          `height="${Math.abs(y0 - y1).toFixed(1)}" fill="${SERIES_COLORS[s % SERIES_COLORS.length]}"><title>${escapeXml(label)}</title></rect>` +
          `<text class="bar-value" x="${(x + barWidth / 2 - 1).toFixed(1)}" y="${(Math.min(y0, y1) - 3).toFixed(1)}" text-anchor="middle" font-size="10">${escapeXml(fmt(v))}</text>`,
      );
    });
  });
  parts.push(`<g class="bars">${bars.join('')}</g>`);
  parts.push(`<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${y(Math.max(0, lo)).toFixed(1)}" y2="${y(Math.max(0, lo)).toFixed(1)}" stroke="#333"/>`);
  parts.push('</svg>');
  return parts.join('');
}

/**
 * A line chart with one polyline (`<path class="line">`) per series, a marker per point when
 * there are few points, and an optional logarithmic y axis.
 */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 320;
  const logY = options.logY ?? false;
  const ty = (v: number) => (logY ? Math.log10(v) : v);
  const usable = (p: readonly [number, number]) => Number.isFinite(p[0]) && Number.isFinite(p[1]) && (!logY || p[1] > 0);
  const points = options.series.flatMap((s) => s.points.filter(usable));
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => ty(p[1]));
  const xTicks = niceTicks(xs.length ? Math.min(...xs) : 0, xs.length ? Math.max(...xs) : 1);
  const yTicks = logY
    ? (() => {
        const a = Math.floor(ys.length ? Math.min(...ys) : 0);
        const b = Math.ceil(ys.length ? Math.max(...ys) : 1);
        const out: number[] = [];
        for (let e = a; e <= Math.max(b, a + 1); e++) out.push(e);
        return out;
      })()
    : niceTicks(ys.length ? Math.min(...ys) : 0, ys.length ? Math.max(...ys) : 1);
  const [x0, x1] = [xTicks[0], xTicks[xTicks.length - 1]];
  const [y0, y1] = [yTicks[0], yTicks[yTicks.length - 1]];
  const top = MARGIN.top + 16;
  const bottom = height - MARGIN.bottom;
  const px = (v: number) => MARGIN.left + ((v - x0) / (x1 - x0 || 1)) * (width - MARGIN.left - MARGIN.right);
  const py = (v: number) => bottom - ((v - y0) / (y1 - y0 || 1)) * (bottom - top);
  const parts: string[] = [svgOpen(width, height, options.title), legend(options.series.map((s) => ({ name: s.name, line: s })), width)];
  parts.push(yAxis(yTicks, py, width, options.yLabel, height, (v) => (logY ? `1e${v}` : formatNumber(v))));
  const xAxis: string[] = [];
  for (const t of xTicks) {
    xAxis.push(`<text x="${px(t).toFixed(1)}" y="${bottom + 18}" text-anchor="middle">${escapeXml(formatNumber(t))}</text>`);
  }
  if (options.xLabel) xAxis.push(`<text x="${(MARGIN.left + width - MARGIN.right) / 2}" y="${height - 12}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  parts.push(`<g class="x-axis">${xAxis.join('')}</g>`);
  parts.push(`<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${bottom}" y2="${bottom}" stroke="#333"/>`);
  options.series.forEach((series, s) => {
    const color = SERIES_COLORS[s % SERIES_COLORS.length];
    let d = '';
    let pen = false;
    for (const p of series.points) {
      if (!usable(p)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${px(p[0]).toFixed(1)},${py(ty(p[1])).toFixed(1)}`;
      pen = true;
    }
    const dash = series.dash ? ` stroke-dasharray="${escapeXml(series.dash)}"` : '';
    parts.push(`<path class="line" d="${d}" fill="none" stroke="${color}" stroke-width="${series.strokeWidth ?? 1.5}"${dash}><title>${escapeXml(series.name)}</title></path>`);
    if (series.points.length <= 50) {
      for (const p of series.points.filter(usable)) {
        parts.push(
          `<circle cx="${px(p[0]).toFixed(1)}" cy="${py(ty(p[1])).toFixed(1)}" r="2.5" fill="${color}">` +
            `<title>${escapeXml(`${series.name}: (${formatNumber(p[0])}, ${formatNumber(p[1])})`)}</title></circle>`,
        );
      }
    }
  });
  parts.push('</svg>');
  return parts.join('');
}
