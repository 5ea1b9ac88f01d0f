import { lossReconstruction } from '@nnlab/lca';
import type { ReportSection } from '../../experiment';
import { escapeXml, formatNumber } from '../../report/format';
import { barChart, lineChart } from '../../report/svg';
import type { LcaFindings } from './findings';
import { unitHeatmap } from './heatmap';
import type { LcaMeasurement } from './measure';
import { cumsum, histogram, layerTable, reconstructionCaption } from './render-parts';
import { layerName } from '../../report/layer-names';

/** The report sections of a run: figures and tables from its measurement and findings. */
export function renderLca(m: LcaMeasurement, f: LcaFindings): ReportSection[] {
  const r = m.train;
  const steps = Array.from({ length: m.iterations + 1 }, (_, i) => i);
  const hat = lossReconstruction(r);
  const lossFigure = lineChart({
    title: 'Loss on the LCA examples: measured vs LCA reconstruction',
    series: [
      // Wide and solid underneath, dashed on top: where the two agree both stay visible.
      { name: 'measured L(θ_t)', points: steps.map((i) => [i, r.losses[i]] as const), strokeWidth: 4 },
      { name: 'L₀ + Σ LCA (dashed)', points: steps.map((i) => [i, hat[i]] as const), dash: '6 4' },
    ],
    xLabel: 'iteration',
    yLabel: 'loss',
  });
  const weightLayers = r.layers.filter((l) => l.series && l.parameters > 0);
  const layerFigure = lineChart({
    title: 'Cumulative LCA per layer (negative = helped)',
    series: weightLayers.map((l) => ({ name: layerName(m.layerNames, l.name), points: cumsum(l.series!).map((v, i) => [i + 1, v] as const) })),
    xLabel: 'iteration',
    yLabel: 'Σ LCA',
  });
  const hist = histogram(f.fraction, 12);
  const fractionFigure = barChart({
    title: 'Fraction of parameters helping, per iteration',
    categories: hist.categories,
    series: [{ name: 'iterations', values: hist.counts }],
    yLabel: 'iterations',
  });
  const heatmap = unitHeatmap(r, m.layerNames, { title: 'LCA per neuron/channel and iteration (kernel + bias)' });
  const p = f.peaks;
  const peakText = p
    ? `<p>Peaks of learning (−LCA of a layer a strict local maximum within ±2 iterations, above its median): on average ` +
      `${escapeXml(formatNumber(p.observed))} of a layer's peaks fall on an iteration where another layer also peaks, against ` +
      `${escapeXml(formatNumber(p.baseline))} ± ${escapeXml(formatNumber(p.baselineStd))} when each layer's peak times are ` +
      `shifted circularly at random (p = ${escapeXml(formatNumber(p.pValue))}); ${p.sharedPeakIterations} iterations hold peaks of two or more layers.</p>`
    : '';
  return [
    {
      title: 'Fraction of parameters that help',
      html:
        `<p>Mean over ${m.iterations} iterations: <strong>${escapeXml(formatNumber(f.meanFraction))}</strong> of all ${r.parameterCount} parameters ` +
        `had negative LCA (helped) — the paper reports that "barely over 50%" of parameters help in any given iteration. Counted over the parameters ` +
        `that moved: ${escapeXml(formatNumber(f.meanMoved))}.</p>${fractionFigure}`,
    },
    {
      title: 'Conservation',
      html:
        `<p>Σ LCA = ${escapeXml(formatNumber(f.lossChange - r.errors.reduce((a, b) => a + b, 0)))} against the measured ΔL = ${escapeXml(formatNumber(f.lossChange))}: ` +
        `relative error ${escapeXml(formatNumber(f.conservation))} with ${escapeXml(m.quadrature)}, ${escapeXml(formatNumber(f.firstOrderError))} with first order.</p>${lossFigure}` +
        `<p>${escapeXml(reconstructionCaption(r.losses, hat))}</p>`,
    },
    { title: 'Layers', html: `${layerTable(r, m.layerNames)}${layerFigure}${peakText}` },
    { title: 'Neurons and channels', html: heatmap },
  ];
}
