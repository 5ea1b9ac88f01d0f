import type { SummaryRow } from '../../experiment';
import { formatNumber } from '../../report/format';
import { layerName } from '../../report/layer-names';
import type { LcaFindings } from './findings';
import type { LcaMeasurement } from './measure';

/** The band the mean fraction helping must fall in (the paper: "barely over 50%"). */
export const FRACTION_HELPING_BAND: readonly [number, number] = [0.5, 0.65];

/** The largest conservation error Simpson's rule may leave. */
export const SIMPSON_CONSERVATION_LIMIT = 0.005;

/** The summary rows of a run, with the checks against the paper. */
export function judgeLca(m: LcaMeasurement, f: LcaFindings): SummaryRow[] {
  const [lo, hi] = FRACTION_HELPING_BAND;
  // The band is checked on the reference setup (MNIST-FC); other models report the number only.
  const reference = m.model === 'mnist-fc';
  const rows: SummaryRow[] = [
    {
      metric: 'mean fraction of parameters helping',
      value: Number(f.meanFraction.toFixed(4)),
      reference: reference ? `paper: "barely over 50%"; check: in [${lo}, ${hi}]` : 'paper: "barely over 50%"',
      pass: reference ? f.meanFraction > lo && f.meanFraction <= hi : undefined,
    },
    { metric: 'mean fraction helping among moved parameters', value: Number(f.meanMoved.toFixed(4)) },
    {
      metric: `conservation error, ${m.quadrature}`,
      value: f.conservation,
      reference: `< ${SIMPSON_CONSERVATION_LIMIT * 100}% (Simpson)`,
      pass: m.quadrature.startsWith('simpson') ? f.conservation < SIMPSON_CONSERVATION_LIMIT : undefined,
    },
    { metric: 'conservation error, first order (same run)', value: f.firstOrderError, reference: 'far worse than Simpson' },
    { metric: 'Simpson pieces per iteration', value: Object.entries(f.pieces).map(([n, c]) => `n=${n}: ${c}`).join(', ') },
    { metric: 'layers that hurt overall', value: f.hurting.length ? f.hurting.map((name) => layerName(m.layerNames, name)).join(', ') : 'none' },
    { metric: 'loss on the LCA examples', value: `${formatNumber(m.train.losses[0])} → ${formatNumber(m.train.losses[m.iterations])}` },
    { metric: 'LCA time / training time', value: Number((m.timing.lcaMs / m.timing.trainMs).toFixed(2)) },
  ];
  if (f.peaks) {
    rows.push({ metric: 'layer peaks on the same iteration', value: `${formatNumber(f.peaks.observed)} vs shuffled ${formatNumber(f.peaks.baseline)} (p = ${formatNumber(f.peaks.pValue)})` });
  }
  return rows;
}
