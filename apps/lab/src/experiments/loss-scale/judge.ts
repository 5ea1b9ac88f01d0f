import type { SummaryRow } from '../../experiment';
import type { LossScaleMeasurement } from './measure';

/** Largest gap (percentage points) between float16 + adaptive scaling and float32 that passes. */
export const LOSS_SCALE_MATCH_POINTS = 0.3;

/** α of the Linear 512² cases without caps and with SB = 16 (Zhao et al.'s formula, worked out by hand), by σ_g. */
export const EXPECTED_ALPHA: Readonly<Record<string, readonly [number, number]>> = { '0.00001': [4, 4], '0.000001': [64, 16], '1e-7': [512, 16] };

/** An accuracy as a percentage with two decimals. */
export const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

/** The summary rows of a run: the formula cases, then every run's accuracy against float32. */
export function judgeLossScale(m: LossScaleMeasurement): SummaryRow[] {
  const summary: SummaryRow[] = [];
  for (const c of m.formulaCases) {
    const [free, capped] = EXPECTED_ALPHA[String(c.gradStd)];
    summary.push({ metric: `Linear 512², σ_g = ${c.gradStd}: α (no caps / SB = 16)`, value: `${c.alpha} / ${c.alphaCapped}`, reference: `${free} / ${capped} (expected)`, pass: c.alpha === free && c.alphaCapped === capped });
    summary.push({ metric: `Linear 512², σ_g = ${c.gradStd}: underflow with α (no caps)`, value: c.underflowScaled, reference: '≤ 1e-3', pass: c.underflowScaled <= 1e-3 && c.overflowProduct <= 65504 });
  }
  for (const [index, setting] of m.settingNames.entries()) {
    const runs = m.runs.filter((r) => r.setting === setting);
    const fp32 = runs.find((r) => r.method === 'fp32')!;
    for (const r of runs) {
      const row: SummaryRow = { metric: `${setting}: ${r.method} test accuracy`, value: pct(r.accuracy) };
      // The match is claimed for the standard loss (the first setting) only.
      if (r.method === 'fp16, adaptive' && index === 0) {
        row.reference = `fp32 ${pct(fp32.accuracy)} ± ${LOSS_SCALE_MATCH_POINTS} pts`;
        row.pass = Math.abs(r.accuracy - fp32.accuracy) * 100 <= LOSS_SCALE_MATCH_POINTS;
      } else if (r.method !== 'fp32') row.reference = `fp32 ${pct(fp32.accuracy)}`;
      summary.push(row);
    }
  }
  return summary;
}
