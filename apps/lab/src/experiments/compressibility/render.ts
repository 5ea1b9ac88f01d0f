import type { ReportSection } from '../../experiment';
import { escapeXml, formatNumber } from '../../report/format';
import { barChart, lineChart } from '../../report/svg';
import { DEEP_COMPRESSION, fmt } from './judge';
import type { CompressibilityMeasurement, CompressibilityRow, HistogramSeries } from './measure';

/** The rows as an HTML table, with Deep Compression's published numbers last. */
function resultsTable(rows: readonly CompressibilityRow[]): string {
  const head = ['Method', 'Test error %', 'Sparsity %', 'Distinct magnitudes', 'Magnitude entropy bits/non-zero', 'Entropy bits/weight', 'CR entropy', 'CR range coder', 'CR deflate', 'Range file bytes', 'L_c/√n per layer'];
  const body = rows.map((r) =>
    `<tr><td>${escapeXml(r.label)}</td><td class="num">${fmt(r.errorPercent)}</td><td class="num">${fmt(100 * r.sparsity)}</td>` +
      `<td class="num">${r.distinctMagnitudes}</td><td class="num">${fmt(r.magnitudeBits)}</td><td class="num">${fmt(r.bitsPerWeight)}</td><td class="num">${fmt(r.ratioEntropy)}</td>` +
      `<td class="num">${fmt(r.ratioRange)}</td><td class="num">${fmt(r.ratioDeflate)}</td><td class="num">${r.bytesRange}</td>` +
      `<td>${r.compressibility.map((c) => fmt(c, 2)).join(' / ')}</td></tr>`,
  );
  body.push(`<tr><td>${escapeXml('Deep Compression (published)')}</td><td class="num">${DEEP_COMPRESSION.errorPercent}</td><td class="num">92</td><td class="num">≤ 64 shared values (6 bits)</td><td></td><td></td><td></td><td class="num">${DEEP_COMPRESSION.ratio} (Huffman)</td><td></td><td></td><td></td></tr>`);
  return `<table><tr>${head.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>${body.join('')}</table>`;
}

/** The first-layer weight histograms as a log-scale line chart. */
function weightHistogramChart(series: readonly HistogramSeries[]): string {
  return lineChart({
    title: 'First-layer weights (784×300): histogram before and after',
    xLabel: 'weight value',
    yLabel: 'count (log scale)',
    logY: true,
    series: series.map((s) => ({ name: s.name, points: s.points })),
  });
}

/** The report sections of a run, from its measurement alone. */
export function renderCompressibility(m: CompressibilityMeasurement): ReportSection[] {
  const { trainSize, testSize, epochs, fineTuneEpochs, codebookSize, lr, batchSize } = m.settings;
  const rows = m.uniform;
  const codebookRows = m.codebook;
  const histogramChart = weightHistogramChart(m.histograms);
  const ratioChart = barChart({
    title: 'Compression ratio (32-bit dense / file), range coder',
    categories: rows.map((r) => r.label),
    series: [
      { name: '8-bit uniform', values: rows.map((r) => r.ratioRange) },
      { name: `${codebookSize} shared magnitudes`, values: codebookRows.map((r) => r.ratioRange) },
    ],
    yLabel: 'CR',
    width: 960,
    format: (v) => formatNumber(Number(v.toPrecision(3))),
  });
  const setup =
    `<p>LeNet-300-100 (266,610 parameters), ${trainSize} training images, ${epochs} epoch(s) of SGD (lr ${lr}, momentum 0.9, batch ${batchSize}), then pruning at 1% of each layer’s max |w| ` +
    `(magnitude baseline: the per-layer sparsity of ${escapeXml(m.magnitudeSparsityOf)}) and ${fineTuneEpochs} fine-tuning epoch(s) at lr ${lr / 5} with the zeros fixed. ` +
    `Biases: 8-bit uniform. Test error of the model decoded from the range-coded file, on ${testSize} test images. ` +
    `Compression ratio = 32 × parameters / file bits, every header byte counted. Range-coded files (8-bit): ${escapeXml(m.outDir)}.</p>`;
  return [
    { title: 'Methods compared: 8-bit uniform quantisation', html: setup + resultsTable(rows) },
    { title: `The same weights with ${codebookSize} shared magnitudes per layer (k-means)`, html: resultsTable(codebookRows) },
    { title: 'Compression ratios', html: ratioChart },
    { title: 'Weight histograms', html: histogramChart },
  ];
}
