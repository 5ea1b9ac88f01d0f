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
import type { ExperimentContext } from '../../experiment';
import { bestMatched } from './judge';

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

/** A weight histogram as chart points: bin centre and count. */
export interface HistogramSeries {
  name: string;
  points: [number, number][];
}

/** Histograms of several weight tensors over one symmetric range (81 bins). */
function weightHistograms(series: { name: string; values: Float32Array | Float64Array }[]): HistogramSeries[] {
  let lo = 0;
  let hi = 0;
  for (const s of series) for (const v of s.values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const edge = Math.max(-lo, hi) || 1;
  return series.map((s) => {
    const h = histogram(s.values, 81, -edge, edge);
    return { name: s.name, points: h.counts.map((c, i) => [(h.edges[i] + h.edges[i + 1]) / 2, c] as [number, number]) };
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

/** The sizes of one run, after defaults and command-line options. */
export interface CompressibilityRunSettings {
  /** λ values of the compressibility runs. */
  lambdas: readonly number[];
  /** λ of the L1 baseline. */
  l1Lambda: number;
  /** Training images used (the first N of the 60,000). */
  trainSize: number;
  /** Test images used (the first N of the 10,000). */
  testSize: number;
  /** Training epochs before pruning. */
  epochs: number;
  /** Fine-tuning epochs after pruning. */
  fineTuneEpochs: number;
  /** Shared magnitudes per layer of the second quantiser (k-means). */
  codebookSize: number;
  /** Learning rate of training (fine-tuning uses a fifth of it). */
  lr: number;
  /** Base seed of every random draw. */
  seed: number;
  /** A `--quick` smoke run: the claim against λ = 0 is not checked. */
  quick: boolean;
}

/** Everything a run measured, as plain data (it is the `data` of report.json). */
export interface CompressibilityMeasurement {
  settings: Omit<CompressibilityRunSettings, 'lambdas'> & { lambdas: number[]; batchSize: number };
  /** Every method with 8-bit uniform quantisation: λ = 0, the λ sweep, L1, magnitude pruning. */
  uniform: CompressibilityRow[];
  /** The same fine-tuned weights with `codebookSize` shared magnitudes per layer. */
  codebook: CompressibilityRow[];
  /** Decoding each range-coded file again: its accuracy, and whether the deflated file holds the same symbols. */
  checks: { label: string; reported: number; decoded: number; deflateMatches: boolean }[];
  /** The run whose per-layer sparsity the magnitude baseline was pruned to. */
  magnitudeSparsityOf: string;
  /** First-layer weight histograms: λ = 0 trained, the chosen run trained and decoded. */
  histograms: HistogramSeries[];
  /** Where the range-coded files were written. */
  outDir: string;
}

/** Trains every method, writes and decodes the compressed files; returns the plain measurement. */
export async function measureCompressibility(ctx: ExperimentContext, s: CompressibilityRunSettings): Promise<CompressibilityMeasurement> {
  const { lambdas, l1Lambda, trainSize, testSize, epochs, fineTuneEpochs, codebookSize, lr, seed } = s;
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
    return {
      settings: { ...s, lambdas: [...lambdas], batchSize },
      uniform: rows,
      codebook: codebookRows,
      checks,
      magnitudeSparsityOf: bestResult.label,
      histograms: weightHistograms([
        { name: 'λ=0 trained', values: baseline.trained[0].values },
        { name: `${bestResult.label} trained`, values: bestResult.trained[0].values },
        { name: `${bestResult.label} decoded`, values: dequantize(bestResult.decoded[0]) },
      ]),
      outDir: ctx.outDir,
    };
  } finally {
    if (previous && previous !== 'cpu') await t.setBackend(previous).catch(() => undefined);
  }
}
