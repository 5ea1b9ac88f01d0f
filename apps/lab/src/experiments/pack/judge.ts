import type { SummaryRow } from '../../experiment';
import type { PackMeasurement } from './measure';

/** What the searches say: how much faster the pack-aware one ran and whether both found the same best configuration. */
export interface PackFindings {
  /** Wall time of the original search over the pack-aware one. */
  ratio: number;
  /** Same best trial, or best scores within one validation sample of each other. */
  sameBest: boolean;
}

/** Derives the findings of a run from its measurement. */
export function packFindings(m: PackMeasurement): PackFindings {
  const [original, packed] = m.hyperband.searches;
  const sameBest = original.best !== null && packed.best !== null && (original.best.id === packed.best.id || Math.abs(original.best.score - packed.best.score) <= 1 / m.hyperband.validationCount);
  return { ratio: original.wallMs / packed.wallMs, sameBest };
}

/** The summary rows of a run, with the papers' numbers as references. */
export function judgePack(m: PackMeasurement, f: PackFindings): SummaryRow[] {
  const [original, packed] = m.hyperband.searches;
  const summary: SummaryRow[] = m.stepTimes
    .filter((r) => r.k > 1)
    .map((r) => ({
      metric: `${m.backend}: ${r.architecture} K=${r.k} speedup (Σ sequential / packed)`,
      value: `${r.speedup.toFixed(2)}× wall, ${r.cpuSpeedup.toFixed(2)}× CPU time`,
      reference: r.architecture.startsWith('mlp') && r.k === 2 ? 'paper: 1.66× (39.7%) on a GPU, 1.44× (30.4%) TF on a CPU; target here ≥ 1.0×' : 'target here ≥ 1.0× (report only)',
    }));
  summary.push(
    { metric: `${m.backend}: different architectures back to back, one readback vs readback each`, value: Number(m.queue.ratio.toFixed(3)), reference: 'expected: little gain' },
    { metric: `Hyperband R=${m.hyperband.R}, η=3: time original / pack-aware`, value: Number(f.ratio.toFixed(3)), reference: 'paper: up to 2.7× on a GPU (setup unpublished)' },
    { metric: 'Hyperband: best validation accuracy, original / pack-aware', value: `${original.best?.score.toFixed(4)} / ${packed.best?.score.toFixed(4)}` },
    { metric: 'pack-aware Hyperband finds the same best configuration', value: f.sameBest ? 'yes' : 'no', reference: 'same sampled configurations, models trained identically (own batches)', pass: f.sameBest },
  );
  return summary;
}
