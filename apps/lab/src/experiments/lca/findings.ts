import { conservationError, fractionHelping, meanFractionHelping, peakSynchronization, pieceCounts, type PeakSynchronization } from '@nnlab/lca';
import type { LcaMeasurement } from './measure';

/** What the numbers of a run say, derived from its measurement alone (so a saved report.json gives them again). */
export interface LcaFindings {
  /** Measured loss change over the run, L(θ_T) − L(θ_0). */
  lossChange: number;
  /** Relative conservation error of the chosen quadrature. */
  conservation: number;
  /** Relative conservation error of first-order LCA on the same run. */
  firstOrderError: number;
  /** Fraction of all parameters helping, per iteration. */
  fraction: number[];
  /** Its mean over iterations. */
  meanFraction: number;
  /** The mean counted over the parameters that moved. */
  meanMoved: number;
  /** How many iterations needed each number of Simpson pieces. */
  pieces: Record<number, number>;
  /** Layers whose total LCA is positive. */
  hurting: string[];
  /** Whether layers peak on the same iterations (null with fewer than two weight layers). */
  peaks: PeakSynchronization | null;
}

/** Derives the findings of a run from its measurement. */
export function lcaFindings(m: LcaMeasurement): LcaFindings {
  const r = m.train;
  const lossChange = r.losses[m.iterations] - r.losses[0];
  const firstOrderTotal = m.firstOrderPerIteration.reduce((a, b) => a + b, 0);
  const weightLayers = r.layers.filter((l) => l.series && l.parameters > 0);
  return {
    lossChange,
    conservation: conservationError(r),
    firstOrderError: Math.abs(firstOrderTotal - lossChange) / Math.abs(lossChange),
    fraction: fractionHelping(r),
    meanFraction: meanFractionHelping(r),
    meanMoved: meanFractionHelping(r, 'moved'),
    pieces: pieceCounts(r),
    hurting: r.layers.filter((l) => l.total > 0).map((l) => l.name),
    peaks: weightLayers.length >= 2 ? peakSynchronization(weightLayers.map((l) => l.series!), { seed: m.seed }) : null,
  };
}
