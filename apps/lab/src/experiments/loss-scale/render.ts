import type { ReportSection } from '../../experiment';
import { escapeXml, formatNumber } from '../../report/format';
import { layerName } from '../../report/layer-names';
import { barChart, lineChart } from '../../report/svg';
import { pct } from './judge';
import type { FormulaCase, LossScaleMeasurement, LossScaleRun, StepSeries } from './measure';

/** The report sections of a run, from its measurement alone. */
export function renderLossScale(m: LossScaleMeasurement): ReportSection[] {
  return [
    { title: 'Adaptive-scale formula: Linear 512×512, batch 128', html: formulaTable(m.formulaCases) },
    { title: 'MNIST-FC: accuracy and underflow by method', html: resultsSection(m.runs, m.settingNames, m.settings) },
    ...m.settingNames.map((name) => ({ title: `Per-layer scales and underflow over training (${name})`, html: curves(m.runs.filter((r) => r.setting === name), m.layerNames) })),
  ];
}

/** The formula cases as a table, with the hand-worked expectations. */
function formulaTable(cases: readonly FormulaCase[]): string {
  const rows = cases
    .map((c) => `<tr><td>${c.gradStd}</td><td>${formatNumber(c.unbounded)}</td><td>${c.alpha}</td><td>${c.alphaCapped}</td><td>${pct(c.underflowUnscaled)}</td><td>${c.underflowScaled.toExponential(2)}</td><td>${c.underflowCapped.toExponential(2)}</td></tr>`)
    .join('');
  return (
    '<p>W ~ N(0, 2/512), G Gaussian with half its entries zero; underflow = share of the non-zero float64 products G·W that are 0 after the float16 product. ' +
    'Expected: α 4 / 64 (unbounded 67.7) / 512 without caps, 4 / 16 / 16 with SB = 16; underflow without scaling 2.4% (1e-6) and 23% (1e-7); with α and no caps 3–6e-4.</p>' +
    '<table><thead><tr><th>σ_g</th><th>unbounded α</th><th>α, no caps</th><th>α, SB = 16</th><th>underflow, unscaled</th><th>with α, no caps</th><th>with α, SB = 16</th></tr></thead>' +
    `<tbody>${rows}</tbody></table>`
  );
}

/** Accuracy, skipped steps, final scale and underflow of every run, as a table and a chart. */
function resultsSection(runs: readonly LossScaleRun[], settings: readonly string[], size: { trainSize: number; testSize: number; epochs: number }): string {
  const rows = runs
    .map(
      (r) =>
        `<tr><td>${escapeXml(r.setting)}</td><td>${escapeXml(r.method)}</td><td>${pct(r.accuracy)}</td><td>${r.skipped}/${r.steps}</td><td>${formatNumber(r.finalLossScale)}</td>` +
        `<td>${r.lossGradUnderflow.toExponential(2)}</td><td>${r.inputUnderflow.toExponential(2)}</td><td>${r.weightUnderflow.toExponential(2)}</td><td>${r.seconds.toFixed(1)}</td></tr>`,
    )
    .join('');
  const chart = barChart({
    title: 'Test accuracy (%)',
    categories: [...new Set(runs.map((r) => r.method))],
    series: settings.map((s) => ({ name: s, values: [...new Set(runs.map((r) => r.method))].map((m) => runs.find((r) => r.setting === s && r.method === m)?.accuracy ?? NaN).map((a) => 100 * a) })),
    yLabel: 'accuracy %',
    width: 960,
    format: (v) => v.toFixed(2),
  });
  return (
    `<p>MNIST-FC, ${size.epochs} epoch(s) over ${size.trainSize} training images, batch 128, SGD momentum 0.9, lr 0.05 (divided by the loss weight), test on ${size.testSize} images. ` +
    'Underflow rates pool the recorded steps: share of non-zero exact values that flush to 0 in float16, for the scaled loss gradient, the layers’ input gradients and their weight gradients. ' +
    'Time is wall-clock on the cpu backend, where float16 rounding runs in the kernels.</p>' +
    '<table><thead><tr><th>setting</th><th>method</th><th>test accuracy</th><th>skipped steps</th><th>final s₀</th><th>loss-grad underflow</th><th>input-grad underflow</th><th>weight-grad underflow</th><th>s</th></tr></thead>' +
    `<tbody>${rows}</tbody></table>${chart}`
  );
}

/** Per-layer scales of adaptive scaling and weight-gradient underflow against no scaling, over training. */
function curves(runs: readonly LossScaleRun[], names: Readonly<Record<string, string>>): string {
  const adaptive = runs.find((r) => r.method === 'fp16, adaptive');
  const plain = runs.find((r) => r.method === 'fp16, no scaling');
  if (!adaptive || !plain) return '<p>No float16 runs.</p>';
  const points = (series: StepSeries) => series.map((p) => [p.iteration, p.value] as [number, number]);
  const ofLayer = (run: LossScaleRun, layer: string) => run.layers.find((l) => l.layer === layer)!;
  const layers = adaptive.layers.map((l) => l.layer);
  const name = (l: string) => layerName(names, l);
  const alphaChart = lineChart({
    title: 'Adaptive scaling: α and accumulated scale per layer',
    xLabel: 'step',
    yLabel: 'scale (log)',
    logY: true,
    series: layers.flatMap((l) => [
      { name: `α, ${name(l)}`, points: points(ofLayer(adaptive, l).alpha) },
      {
        name: `s_prev·α, ${name(l)}`,
        points: ofLayer(adaptive, l).alpha.map((p, i) => [p.iteration, p.value * ofLayer(adaptive, l).incomingScale[i].value] as [number, number]),
      },
    ]),
  });
  const underflowChart = lineChart({
    title: 'Weight-gradient underflow rate per layer: no scaling vs adaptive',
    xLabel: 'step',
    yLabel: 'underflow rate (log)',
    logY: true,
    series: layers.flatMap((l) => [
      { name: `none, ${name(l)}`, points: points(ofLayer(plain, l).weightUnderflow) },
      { name: `adaptive, ${name(l)}`, points: points(ofLayer(adaptive, l).weightUnderflow) },
    ]),
  });
  return alphaChart + underflowChart;
}

