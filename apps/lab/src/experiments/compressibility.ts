/**
 * The `compressibility` experiment: LeNet-300-100 on MNIST trained with the compressibility loss
 * ‖w‖₁/‖w‖₂ over a sweep of λ, next to three baselines (no regulariser, L1, magnitude pruning at
 * the same per-layer sparsity), all through one compression pipeline that writes real files:
 * prune, quantise, range-code and deflate, decode, and measure the decoded model.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as t from '@nnlab/tensor-gpu';
import { loadMnist } from '@nnlab/tensor-gpu/node';
import {
  accuracyOf,
  allCodecs,
  compressAndEvaluate,
  decodeCompressedFile,
  deflateCodec,
  dequantize,
  histogram,
  loadQuantized,
  rangeCodec,
  runMethod,
  type CompressionMeasurement,
  type Method,
  type MethodResult,
  type RunSettings,
} from '@nnlab/compressibility/node';
import type { Experiment, ExperimentContext, ExperimentResult, SummaryRow } from '../experiment';
import { escapeXml, formatNumber } from '../report/format';
import { barChart, lineChart } from '../report/svg';
import { positiveInt, positiveNumber, positiveNumberList } from '../option-parsers';

/** Deep Compression (Han, Mao, Dally 2016) on LeNet-300-100: pruning + 6-bit sharing + Huffman. */
export const DEEP_COMPRESSION = { ratio: 40, errorPercent: 1.58, note: 'Deep Compression, LeNet-300-100: 40× at 1.58% error (pruning + quantisation + Huffman)' } as const;

/** λ values of the sweep: the log grid 1e-4 … 1e-1 with 2e-3 and 5e-3 added where the trade-off turns. */
export const DEFAULT_LAMBDAS: readonly number[] = [1e-4, 1e-3, 2e-3, 5e-3, 1e-2, 1e-1];

/** Largest drop of test accuracy (percentage points) that still counts as matched. */
export const MATCHED_POINTS = 0.3;

/** Settings of {@link createCompressibilityExperiment}; the command-line options override them. */
export interface CompressibilitySettings {
  /** λ values of the compressibility runs. */
  lambdas?: readonly number[];
  /** λ of the L1 baseline. */
  l1Lambda?: number;
  /** Training images used (the first N of the 60,000). */
  trainSize?: number;
  /** Test images used (the first N of the 10,000). */
  testSize?: number;
  /** Training epochs before pruning. */
  epochs?: number;
  /** Fine-tuning epochs after pruning. */
  fineTuneEpochs?: number;
  /** Shared magnitudes per layer of the second quantiser (k-means). */
  codebookSize?: number;
  /** Learning rate of training (fine-tuning uses a fifth of it). */
  lr?: number;
}

/** One row of the results table (plain numbers for report.json). */
export interface CompressibilityRow {
  /** Method label. */
  label: string;
  /** λ of the compressibility or L1 runs (0 otherwise). */
  lambda: number;
  /** Test error of the decoded model, percent. */
  errorPercent: number;
  /** Test error after fine-tuning, before quantisation, percent. */
  errorFineTunedPercent: number;
  /** Share of zero weights in the file. */
  sparsity: number;
  /** Largest number of distinct non-zero magnitudes in one weight tensor. */
  distinctMagnitudes: number;
  /** Zeroth-order entropy of the weights' symbols, bits per weight. */
  bitsPerWeight: number;
  /** Entropy of the non-zero weights' magnitudes, bits per non-zero. */
  magnitudeBits: number;
  /** 32·n / Σ nᵢHᵢ over every parameter (ideal order-0 coder). */
  ratioEntropy: number;
  /** Compression ratio of the range-coded file. */
  ratioRange: number;
  /** Compression ratio of the deflated file. */
  ratioDeflate: number;
  /** Size of the range-coded file in bytes. */
  bytesRange: number;
  /** Size of the deflated file in bytes. */
  bytesDeflate: number;
  /** L_c/√n of each weight tensor after training. */
  compressibility: number[];
  /** Seconds the method took. */
  seconds: number;
}

/** A table row from a method's result and one compressed version of its fine-tuned weights. */
function rowOf(r: MethodResult, measurement: CompressionMeasurement, accuracy: number): CompressibilityRow {
  const file = (name: string) => measurement.files.find((f) => f.codec === name)!;
  return {
    label: r.label,
    lambda: r.method.kind === 'compressibility' || r.method.kind === 'l1' ? r.method.lambda : 0,
    errorPercent: 100 * (1 - accuracy),
    errorFineTunedPercent: 100 * (1 - r.accuracyFineTuned),
    sparsity: measurement.weights.sparsity,
    distinctMagnitudes: measurement.weights.maxDistinctMagnitudes,
    bitsPerWeight: measurement.weights.entropyBits,
    magnitudeBits: measurement.weights.magnitudeEntropyBits,
    ratioEntropy: measurement.entropyRatio,
    ratioRange: file('range').ratio,
    ratioDeflate: file('deflate').ratio,
    bytesRange: file('range').bytes.length,
    bytesDeflate: file('deflate').bytes.length,
    compressibility: r.compressibility.map((c) => c.normalized),
    seconds: r.seconds,
  };
}

const fmt = (v: number, digits = 3) => formatNumber(Number(v.toPrecision(digits)));

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

/** The λ > 0 run with the best range-coder ratio whose accuracy is within {@link MATCHED_POINTS} of λ = 0. */
export function bestMatched(baseline: CompressibilityRow, runs: readonly CompressibilityRow[]): CompressibilityRow | null {
  const matched = runs.filter((r) => r.errorPercent - baseline.errorPercent <= MATCHED_POINTS);
  return matched.reduce<CompressibilityRow | null>((best, r) => (best === null || r.ratioRange > best.ratioRange ? r : best), null);
}

function weightHistogramChart(series: { name: string; values: Float32Array | Float64Array }[]): string {
  let lo = 0;
  let hi = 0;
  for (const s of series) for (const v of s.values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const edge = Math.max(-lo, hi) || 1;
  const bins = 81;
  return lineChart({
    title: 'First-layer weights (784×300): histogram before and after',
    xLabel: 'weight value',
    yLabel: 'count (log scale)',
    logY: true,
    series: series.map((s) => {
      const h = histogram(s.values, bins, -edge, edge);
      return { name: s.name, points: h.counts.map((c, i) => [(h.edges[i] + h.edges[i + 1]) / 2, c] as [number, number]) };
    }),
  });
}

async function checkFile(r: MethodResult, settings: RunSettings): Promise<{ accuracy: number; deflateMatches: boolean }> {
  const range = r.measurement.files.find((f) => f.codec === 'range')!.bytes;
  const deflated = r.measurement.files.find((f) => f.codec === 'deflate')!.bytes;
  const fromRange = decodeCompressedFile(range, { codecs: allCodecs }).tensors;
  const fromDeflate = decodeCompressedFile(deflated, { codecs: allCodecs }).tensors;
  const deflateMatches = fromRange.every((q, i) => q.symbols.length === fromDeflate[i].symbols.length && q.symbols.every((s, k) => s === fromDeflate[i].symbols[k]));
  const model = settings.model();
  try {
    loadQuantized(model, fromRange);
    return { accuracy: (await accuracyOf(model, settings.test, { inputShape: settings.inputShape })).accuracy, deflateMatches };
  } finally {
    model.dispose();
  }
}

/** Creates the `compressibility` experiment with the given defaults (tests use smaller ones). */
export function createCompressibilityExperiment(defaults: CompressibilitySettings = {}): Experiment {
  return {
    id: 'compressibility',
    title: 'Compressibility loss: LeNet-300-100 on MNIST, λ sweep and real compression ratios',
    description:
      'Trains LeNet-300-100 on MNIST with task loss + λ·‖w‖₁/‖w‖₂ per layer for a sweep of λ, and three baselines (λ = 0, L1, ' +
      'magnitude pruning at the same per-layer sparsity); prunes at 1% of each layer’s max |w|, fine-tunes with the zeros fixed, ' +
      'quantises, writes range-coded and deflated files, decodes them and reports the decoded model’s test error, sparsity, ' +
      `distinct magnitudes, entropy and compression ratio (32-bit dense / file size), next to Deep Compression’s ${DEEP_COMPRESSION.ratio}×.`,
    options: {
      lambdas: { type: 'string', valueName: 'LIST', description: 'λ values of the sweep (default 1e-4,1e-3,2e-3,5e-3,1e-2,1e-1)', parse: positiveNumberList },
      'l1-lambda': { type: 'string', valueName: 'X', description: 'λ of the L1 baseline (default 1e-4)', parse: positiveNumber },
      'train-size': { type: 'string', valueName: 'N', description: 'training images, the first N of 60,000 (default 60000)', parse: positiveInt(60_000) },
      'test-size': { type: 'string', valueName: 'N', description: 'test images, the first N of 10,000 (default 10000)', parse: positiveInt(10_000) },
      epochs: { type: 'string', valueName: 'N', description: 'training epochs before pruning (default 2)', parse: positiveInt(100) },
      'fine-tune-epochs': { type: 'string', valueName: 'N', description: 'fine-tuning epochs after pruning (default 1)', parse: positiveInt(100) },
      'codebook-size': { type: 'string', valueName: 'K', description: 'shared magnitudes per layer of the k-means quantiser (default 15)', parse: positiveInt(2047) },
      lr: { type: 'string', valueName: 'X', description: 'learning rate of SGD with momentum 0.9 (default 0.1; fine-tuning uses a fifth)', parse: positiveNumber },
    },
    async run(ctx: ExperimentContext): Promise<ExperimentResult> {
      const { quick, seed, values } = ctx.options;
      const lambdas = (values.lambdas as number[] | undefined) ?? defaults.lambdas ?? (quick ? [3e-3] : DEFAULT_LAMBDAS);
      const l1Lambda = (values['l1-lambda'] as number | undefined) ?? defaults.l1Lambda ?? 1e-4;
      const trainSize = (values['train-size'] as number | undefined) ?? defaults.trainSize ?? (quick ? 4000 : 60_000);
      const testSize = (values['test-size'] as number | undefined) ?? defaults.testSize ?? (quick ? 2000 : 10_000);
      const epochs = (values.epochs as number | undefined) ?? defaults.epochs ?? (quick ? 1 : 2);
      const fineTuneEpochs = (values['fine-tune-epochs'] as number | undefined) ?? defaults.fineTuneEpochs ?? 1;
      const codebookSize = (values['codebook-size'] as number | undefined) ?? defaults.codebookSize ?? 15;
      const lr = (values.lr as number | undefined) ?? defaults.lr ?? 0.1;

      const previous = t.getBackend();
      await t.setBackend('cpu');
      try {
        const { train, test } = await loadMnist();
        const batchSize = 64;
        const stepsPerMethod = Math.ceil(trainSize / batchSize) * (epochs + fineTuneEpochs);
        const settings: RunSettings = {
          model: () => t.nn.lenet300100({ seed }),
          train: t.train.headOf(train, trainSize),
          test: t.train.headOf(test, testSize),
          inputShape: [784],
          epochs,
          fineTuneEpochs,
          batchSize,
          lr,
          seed,
          quantize: { quantizer: 'uniform', bits: 8 },
          codecs: [rangeCodec, deflateCodec],
        };
        ctx.log(`compressibility: LeNet-300-100, ${trainSize} training and ${testSize} test images, ${epochs}+${fineTuneEpochs} epochs, λ ∈ {${lambdas.join(', ')}}, 8-bit uniform and ${codebookSize}-magnitude k-means quantisers, cpu backend`);
        const run = async (method: Method, reuse?: MethodResult): Promise<MethodResult> => {
          const bar = ctx.progress(`compressibility ${method.kind}${'lambda' in method ? ` λ=${method.lambda}` : ''}`, reuse ? Math.ceil(trainSize / batchSize) * fineTuneEpochs : stepsPerMethod);
          try {
            return await runMethod(method, { ...settings, onStep: () => bar.tick() }, reuse?.trainedState);
          } finally {
            bar.done();
          }
        };

        const baseline = await run({ kind: 'none' });
        const sweep: MethodResult[] = [];
        for (const lambda of lambdas) sweep.push(await run({ kind: 'compressibility', lambda }));
        const l1 = await run({ kind: 'l1', lambda: l1Lambda });
        const uniform = (r: MethodResult) => rowOf(r, r.measurement, r.accuracy);
        const baseRow = uniform(baseline);
        const sweepRows = sweep.map(uniform);
        const best = bestMatched(baseRow, sweepRows);
        const bestResult = best ? sweep[sweepRows.indexOf(best)] : sweep[sweepRows.reduce((b, r, i) => (r.errorPercent < sweepRows[b].errorPercent ? i : b), 0)];
        const layerSparsity = Object.fromEntries(bestResult.measurement.tensors.filter((s) => s.name.endsWith('weight')).map((s) => [s.name, s.sparsity]));
        const magnitude = await run({ kind: 'magnitude', sparsity: layerSparsity }, baseline);
        const all = [baseline, ...sweep, l1, magnitude];
        const rows = all.map(uniform);

        // The same fine-tuned weights with shared magnitudes (k-means per layer) instead of 8-bit uniform steps.
        const codebookSettings = { ...settings, quantize: { quantizer: 'codebook' as const, codebookSize } };
        const codebookRows: CompressibilityRow[] = [];
        const bar = ctx.progress('compressibility k-means files', all.length);
        for (const r of all) {
          const model = settings.model();
          try {
            const c = await compressAndEvaluate(model, r.fineTuned, codebookSettings);
            codebookRows.push(rowOf(r, c.measurement, c.accuracy));
          } finally {
            model.dispose();
            bar.tick();
          }
        }
        bar.done();
        const bestCodebook = bestMatched(codebookRows[0], codebookRows.slice(1, 1 + lambdas.length));

        await mkdir(ctx.outDir, { recursive: true });
        for (const r of all) {
          const name = r.label.replace(/λ/g, 'lambda').replace(/[^A-Za-z0-9.=-]+/g, '_');
          await writeFile(join(ctx.outDir, `lenet300100-${name}.nnlc`), r.measurement.files.find((f) => f.codec === 'range')!.bytes);
        }
        const checks = [];
        for (const r of all) {
          const c = await checkFile(r, settings);
          checks.push({ label: r.label, reported: r.accuracy, decoded: c.accuracy, deflateMatches: c.deflateMatches });
        }
        const filesOk = checks.every((c) => c.reported === c.decoded && c.deflateMatches);
        const bestRow = uniform(bestResult);
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
          ...[l1, magnitude].map((r): SummaryRow => {
            const u = uniform(r);
            return { metric: `${r.label}, 8-bit: test error % / sparsity % / CR (range)`, value: `${fmt(u.errorPercent)}% / ${fmt(100 * u.sparsity)}% / ${fmt(u.ratioRange)}×`, reference: 'baseline' };
          }),
          { metric: 'decoded files give the reported accuracy', value: `${checks.filter((c) => c.reported === c.decoded && c.deflateMatches).length} of ${checks.length}`, reference: 'all', pass: filesOk },
        ];
        const histogramChart = weightHistogramChart([
          { name: 'λ=0 trained', values: baseline.trained[0].values },
          { name: `${bestResult.label} trained`, values: bestResult.trained[0].values },
          { name: `${bestResult.label} decoded`, values: dequantize(bestResult.decoded[0]) },
        ]);
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
          `(magnitude baseline: the per-layer sparsity of ${escapeXml(bestResult.label)}) and ${fineTuneEpochs} fine-tuning epoch(s) at lr ${lr / 5} with the zeros fixed. ` +
          `Biases: 8-bit uniform. Test error of the model decoded from the range-coded file, on ${testSize} test images. ` +
          `Compression ratio = 32 × parameters / file bits, every header byte counted. Range-coded files (8-bit): ${escapeXml(ctx.outDir)}.</p>`;
        return {
          summary,
          sections: [
            { title: 'Methods compared: 8-bit uniform quantisation', html: setup + resultsTable(rows) },
            { title: `The same weights with ${codebookSize} shared magnitudes per layer (k-means)`, html: resultsTable(codebookRows) },
            { title: 'Compression ratios', html: ratioChart },
            { title: 'Weight histograms', html: histogramChart },
          ],
          data: {
            settings: { trainSize, testSize, epochs, fineTuneEpochs, lambdas, l1Lambda, codebookSize, lr, seed },
            deepCompression: DEEP_COMPRESSION,
            uniform: rows,
            codebook: codebookRows,
            checks,
            bestMatched: { uniform: best?.label ?? null, codebook: bestCodebook?.label ?? null },
          },
        };
      } finally {
        if (previous && previous !== 'cpu') await t.setBackend(previous).catch(() => undefined);
      }
    },
  };
}

/** The `compressibility` experiment with its default settings. */
export const compressibilityExperiment: Experiment = createCompressibilityExperiment();
