// Tables of the LeNet-300-100 paper run: every operating point, the families at equal error, and
// paper | ours | same setting? | verdict. Every choice between points reads the validation error.
import type { CompressibilityPaperResults, OperatingPoint } from './run';

const f = (v: number, d = 2) => v.toFixed(d);
const FAMILIES: { family: OperatingPoint['family']; label: string }[] = [
  { family: 'compressibility', label: 'compressibility loss' },
  { family: 'l1', label: 'L1' },
  { family: 'magnitude', label: 'magnitude pruning (Deep Compression rates)' },
  { family: 'none', label: 'λ = 0, threshold pruning' },
];

/** The point of `family` with the largest range-coded ratio among those with validation error ≤ `level`. */
export function bestAtLevel(results: CompressibilityPaperResults, family: OperatingPoint['family'], level: number): OperatingPoint | null {
  const points = results.methods.flatMap((m) => m.points).filter((p) => p.family === family && p.validationErrorPercent <= level);
  return points.reduce<OperatingPoint | null>((best, p) => (!best || p.ratioRange > best.ratioRange ? p : best), null);
}

export function pointsTable(results: CompressibilityPaperResults): string {
  return [
    '| method | quantiser | validation error % | test error % | sparsity % | distinct magnitudes | CR range | CR deflate |',
    '|---|---|---|---|---|---|---|---|',
    ...results.methods.flatMap((m) => m.points.map((p) => `| ${p.method} | ${p.quantizer} | ${f(p.validationErrorPercent)} | ${f(p.testErrorPercent)} | ${f(p.sparsityPercent, 1)} | ${p.distinctMagnitudes} | ${f(p.ratioRange, 1)} | ${f(p.ratioDeflate, 1)} |`)),
  ].join('\n');
}

export function equalErrorTable(results: CompressibilityPaperResults): string {
  const cell = (p: OperatingPoint | null) => (p ? `${f(p.ratioRange, 1)}× (${p.method}, ${p.quantizer}; test ${f(p.testErrorPercent)}%)` : '—');
  const levels = results.settings.errorLevels;
  return [
    `| validation error ≤ | ${FAMILIES.map((x) => x.label).join(' | ')} |`,
    `|---|${FAMILIES.map(() => '---|').join('')}`,
    ...levels.map((level) => `| ${f(level, 1)}% | ${FAMILIES.map((x) => cell(bestAtLevel(results, x.family, level))).join(' | ')} |`),
  ].join('\n');
}

export function paperTable(results: CompressibilityPaperResults): string {
  const { paper, target } = results;
  const ours = bestAtLevel(results, 'compressibility', target.errorPercent);
  const fallback = ours ?? results.methods.flatMap((m) => m.points).filter((p) => p.family === 'compressibility').sort((a, b) => a.validationErrorPercent - b.validationErrorPercent)[0];
  const l1 = bestAtLevel(results, 'l1', target.errorPercent);
  const mag = bestAtLevel(results, 'magnitude', target.errorPercent);
  const met = (p: OperatingPoint | undefined | null) => (p ? (p.ratioRange >= target.ratio && p.testErrorPercent <= target.errorPercent ? 'target met' : `target (≥ ${target.ratio}× at ≤ ${target.errorPercent}%) missed`) : 'no point');
  const same = `LeNet-300-100, MNIST; ours: ${results.settings.epochs} + ${results.settings.fineTuneEpochs} epochs, no codebook fine-tuning, range coder instead of Huffman + relative indices`;
  const show = (p: OperatingPoint | null | undefined) => (p ? `${f(p.ratioRange, 1)}× at ${f(p.testErrorPercent)}% test (${f(p.validationErrorPercent)}% validation; ${p.method}, ${p.quantizer})` : 'no point at this validation error');
  return [
    '| | paper (Deep Compression) | ours | same setting? | verdict |',
    '|---|---|---|---|---|',
    `| compressibility loss | ${paper.ratio}× at ${paper.compressedErrorPercent}% | ${show(fallback)}${ours ? '' : ' (none reached the validation level; the most accurate point)'} | ${same} | ${met(fallback)} |`,
    `| L1 | ${paper.ratio}× at ${paper.compressedErrorPercent}% | ${show(l1)} | same pipeline as ours | ${met(l1)} |`,
    `| magnitude pruning at Deep Compression's rates | ${paper.ratio}× at ${paper.compressedErrorPercent}% | ${show(mag)} | Deep Compression's pruning rates, our quantiser and coder | ${met(mag)} |`,
  ].join('\n');
}
