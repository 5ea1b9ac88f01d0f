/** Number and text formatting shared by the HTML report, the SVG charts and the stdout table. */

/** Escapes text for HTML and XML content and attribute values (`& < > " '`). */
export function escapeXml(text: string): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Formats a number for people: integers as they are (with no grouping), very small or very
 * large magnitudes in exponent notation (`3.1e-7`), everything else with 4 significant digits.
 */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const a = Math.abs(value);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return value.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
  return String(Number(value.toPrecision(4)));
}

/** Formats a summary value: numbers through {@link formatNumber}, text as it is. */
export function formatValue(value: number | string): string {
  return typeof value === 'number' ? formatNumber(value) : value;
}
