import type { SummaryRow } from '../../experiment';
import { formatNumber } from '../../report/format';
import type { CompressibilityMeasurement, CompressibilityRow } from './measure';

/** Deep Compression (Han, Mao, Dally 2016) on LeNet-300-100: pruning + 6-bit sharing + Huffman. */
export const DEEP_COMPRESSION = { ratio: 40, errorPercent: 1.58, note: 'Deep Compression, LeNet-300-100: 40× at 1.58% error (pruning + quantisation + Huffman)' } as const;

/** Largest drop of test accuracy (percentage points) that still counts as matched. */
export const MATCHED_POINTS = 0.3;

/** The λ > 0 run with the best range-coder ratio whose accuracy is within {@link MATCHED_POINTS} of λ = 0. */
export function bestMatched(baseline: CompressibilityRow, runs: readonly CompressibilityRow[]): CompressibilityRow | null {
  const matched = runs.filter((r) => r.errorPercent - baseline.errorPercent <= MATCHED_POINTS);
  return matched.reduce<CompressibilityRow | null>((best, r) => (best === null || r.ratioRange > best.ratioRange ? r : best), null);
}

/** A number with `digits` significant digits, as the report prints it. */
export const fmt = (v: number, digits = 3): string => formatNumber(Number(v.toPrecision(digits)));

/** What the rows say: the best matched λ > 0 run for each quantiser. */
export interface CompressibilityFindings {
  /** 8-bit uniform: the best matched λ > 0 run, or null when none is within the window. */
  best: CompressibilityRow | null;
  /** The row reported for the sweep: the best matched run, else the most accurate λ > 0 run. */
  bestRow: CompressibilityRow;
  /** Shared magnitudes: the best matched λ > 0 run, or null. */
  bestCodebook: CompressibilityRow | null;
}

/** Derives the findings of a run from its measurement. */
export function compressibilityFindings(m: CompressibilityMeasurement): CompressibilityFindings {
  const n = m.settings.lambdas.length;
  const sweep = m.uniform.slice(1, 1 + n);
  const best = bestMatched(m.uniform[0], sweep);
  const bestRow = best ?? sweep.reduce((b, r) => (r.errorPercent < b.errorPercent ? r : b), sweep[0]);
  return { best, bestRow, bestCodebook: bestMatched(m.codebook[0], m.codebook.slice(1, 1 + n)) };
}

/** The summary rows of a run, with Deep Compression as the reference. */
export function judgeCompressibility(m: CompressibilityMeasurement, f: CompressibilityFindings): SummaryRow[] {
  const { quick, codebookSize } = m.settings;
  const { best, bestRow, bestCodebook } = f;
  const baseRow = m.uniform[0];
  const n = m.settings.lambdas.length;
  const [l1Row, magnitudeRow] = m.uniform.slice(1 + n);
  const checks = m.checks;
  const filesOk = checks.every((c) => c.reported === c.decoded && c.deflateMatches);
  const claim = best !== null && best.sparsity > baseRow.sparsity && best.ratioRange > baseRow.ratioRange;
  const deepCompression = `${DEEP_COMPRESSION.ratio}× at ${DEEP_COMPRESSION.errorPercent}% (Deep Compression)`;
  const summary: SummaryRow[] = [
    { metric: 'λ=0, 8-bit: test error % / CR (range)', value: `${fmt(baseRow.errorPercent)}% / ${fmt(baseRow.ratioRange)}×` },
    {
      metric: `8-bit, ${best ? 'best matched' : 'most accurate'} ${bestRow.label}: test error % / CR (range)`,
      value: `${fmt(bestRow.errorPercent)}% / ${fmt(bestRow.ratioRange)}×`,
      reference: deepCompression,
    },
    { metric: `8-bit, ${bestRow.label}: sparsity % / bits per weight`, value: `${fmt(100 * bestRow.sparsity)}% / ${fmt(bestRow.bitsPerWeight)}` },
    {
      metric: `${codebookSize} shared magnitudes, ${bestCodebook ? `best matched ${bestCodebook.label}` : 'no λ matched'}: test error % / CR (range)`,
      value: bestCodebook ? `${fmt(bestCodebook.errorPercent)}% / ${fmt(bestCodebook.ratioRange)}×` : '—',
      reference: deepCompression,
    },
    {
      metric: `λ>0 beats λ=0 in sparsity and CR within ${MATCHED_POINTS} pts`,
      value: best ? `${best.label}: ${fmt(100 * best.sparsity)}% vs ${fmt(100 * baseRow.sparsity)}%, ${fmt(best.ratioRange)}× vs ${fmt(baseRow.ratioRange)}×` : 'no λ within the accuracy window',
      reference: quick ? 'not checked in a --quick run' : 'higher sparsity and CR than λ=0',
      pass: quick ? undefined : claim,
    },
    ...[l1Row, magnitudeRow].map((u): SummaryRow => {
      return { metric: `${u.label}, 8-bit: test error % / sparsity % / CR (range)`, value: `${fmt(u.errorPercent)}% / ${fmt(100 * u.sparsity)}% / ${fmt(u.ratioRange)}×`, reference: 'baseline' };
    }),
    { metric: 'decoded files give the reported accuracy', value: `${checks.filter((c) => c.reported === c.decoded && c.deflateMatches).length} of ${checks.length}`, reference: 'all', pass: filesOk },
  ];
  return summary;
}
