// Tables of a Deep Compression paper run (LeNet-300-100 or LeNet-5): every operating point, the families at equal error, and
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
  // The family's largest ratio at the target's validation error, else its most accurate point (by validation error).
  const pick = (family: OperatingPoint['family']) => {
    const atTarget = bestAtLevel(results, family, target.errorPercent);
    if (atTarget) return { p: atTarget, note: '' };
    const p = results.methods.flatMap((m) => m.points).filter((x) => x.family === family).sort((a, b) => a.validationErrorPercent - b.validationErrorPercent || b.ratioRange - a.ratioRange)[0];
    return p ? { p, note: ` — no point reached ${target.errorPercent}% validation error; this is the most accurate one` } : null;
  };
  const show = (x: ReturnType<typeof pick>) => (x ? `${f(x.p.ratioRange, 1)}× at ${f(x.p.testErrorPercent)}% test (${f(x.p.validationErrorPercent)}% validation; ${x.p.method}, ${x.p.quantizer})${x.note}` : 'not run');
  const verdict = (x: ReturnType<typeof pick>) => (!x ? 'not run' : x.p.ratioRange >= target.ratio && x.p.testErrorPercent <= target.errorPercent ? 'target met' : `target (≥ ${target.ratio}× at ≤ ${target.errorPercent}%) missed`);
  const { epochs, lrDecayEpochs, fineTuneEpochs } = results.settings;
  const decay = lrDecayEpochs?.length ? ` (lr ÷10 after epochs ${lrDecayEpochs.join(', ')})` : '';
  const network = results.settings.network === 'lenet-5' ? "Caffe's LeNet-5" : 'LeNet-300-100';
  const ours = `${network} on MNIST; ours: ${epochs}${decay} + ${fineTuneEpochs} epochs, no codebook fine-tuning, range coder instead of Huffman + relative indices`;
  const rows: [string, OperatingPoint['family'], string][] = [
    ['compressibility loss (the paper)', 'compressibility', ours],
    ['L1', 'l1', 'same pipeline and epochs'],
    ["magnitude pruning at Deep Compression's rates", 'magnitude', "Deep Compression's per-layer rates (one-shot and iterative), our retraining, quantiser and coder"],
  ];
  return [
    '| method | paper (Deep Compression) | ours | same setting? | verdict |',
    '|---|---|---|---|---|',
    ...rows.map(([label, family, same]) => `| ${label} | ${paper.ratio}× at ${paper.compressedErrorPercent}% | ${show(pick(family))} | ${same} | ${verdict(pick(family))} |`),
  ].join('\n');
}
