/**
 * The reduced-setting comparison behind the package's MNIST test and README: MNIST-FC
 * (784-100-50-10) on the first 10,000 MNIST training images, 2 epochs of SGD (lr 0.1, momentum 0.9,
 * batch 64), pruning at 1% of each layer's max |w|, 2 fine-tuning epochs (lr 0.02 decaying linearly
 * to 0), 8-bit uniform and 15-magnitude k-means quantisation, range coder and deflate, test error of
 * the decoded model on the 10,000 test images. Methods (seed 1): λ = 0, the compressibility loss over
 * a λ sweep (and one proximal run), L1, magnitude pruning at the per-layer sparsity of the loss at
 * λ = 0.005. Then seeds 2–4 for λ = 0, 0.001 and 0.002: how robust the matched-accuracy claim is.
 *
 * Run from the package folder with `pnpm bench` (`--quick`: 2,000 images, 1 + 1 epochs, fewer
 * methods, one seed, writes `sweep.quick.json`). Prints Markdown tables and writes
 * `bench/results/sweep.json`.
 *
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as t from '@nnlab/tensor-gpu';
import { loadMnist } from '@nnlab/tensor-gpu/node';
import { compressAndEvaluate, deflateCodec, rangeCodec, runMethod, type CompressionMeasurement, type Method, type MethodResult, type RunSettings } from '../src/node';

const quick = process.argv.includes('--quick');
const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');

interface Row {
  method: string;
  quantizer: string;
  errorPercent: number;
  sparsityPercent: number;
  distinctMagnitudes: number;
  magnitudeBits: number;
  bitsPerWeight: number;
  ratioEntropy: number;
  ratioRange: number;
  ratioDeflate: number;
  seconds: number;
}

function row(r: MethodResult, quantizer: string, m: CompressionMeasurement, accuracy: number): Row {
  const ratio = (codec: string) => m.files.find((f) => f.codec === codec)!.ratio;
  return {
    method: r.label,
    quantizer,
    errorPercent: 100 * (1 - accuracy),
    sparsityPercent: 100 * m.weights.sparsity,
    distinctMagnitudes: m.weights.maxDistinctMagnitudes,
    magnitudeBits: m.weights.magnitudeEntropyBits,
    bitsPerWeight: m.weights.entropyBits,
    ratioEntropy: m.entropyRatio,
    ratioRange: ratio('range'),
    ratioDeflate: ratio('deflate'),
    seconds: r.seconds,
  };
}

function markdown(rows: readonly Row[]): string {
  const f = (v: number, d = 2) => v.toFixed(d);
  const lines = [
    '| method | quantiser | test error % | sparsity % | distinct magnitudes | magnitude entropy (bits/non-zero) | bits/weight | CR entropy | CR range | CR deflate |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.method} | ${r.quantizer} | ${f(r.errorPercent)} | ${f(r.sparsityPercent, 1)} | ${r.distinctMagnitudes} | ${f(r.magnitudeBits)} | ${f(r.bitsPerWeight, 3)} | ${f(r.ratioEntropy, 1)} | ${f(r.ratioRange, 1)} | ${f(r.ratioDeflate, 1)} |`),
  ];
  return lines.join('\n');
}

await t.setBackend('cpu');
const { train, test } = await loadMnist();
const settingsFor = (seed: number): RunSettings => ({
  model: () => t.nn.mnistFc({ seed }),
  train: t.train.headOf(train, quick ? 2000 : 10_000),
  test: quick ? t.train.headOf(test, 2000) : test,
  inputShape: [784],
  epochs: quick ? 1 : 2,
  fineTuneEpochs: quick ? 1 : 2,
  fineTuneLr: 'linear',
  batchSize: 64,
  lr: 0.1,
  seed,
  codecs: [rangeCodec, deflateCodec],
});
const settings = settingsFor(1);
const lambdas = quick ? [0.005] : [0.001, 0.002, 0.005, 0.01];
const methods: Method[] = [{ kind: 'none' }, ...lambdas.map((lambda): Method => ({ kind: 'compressibility', lambda })), { kind: 'compressibility', lambda: 0.005, sparsify: 'prox' }, { kind: 'l1', lambda: 1e-4 }];
const results: MethodResult[] = [];
for (const method of methods) {
  const r = await runMethod(method, settings);
  results.push(r);
  console.error(`${r.label}: error ${r.testErrorPercent.toFixed(2)}%, ${r.seconds.toFixed(0)} s`);
}
const reference = results.find((r) => r.method.kind === 'compressibility' && r.method.lambda === 0.005 && r.method.sparsify === undefined)!;
const sparsity = Object.fromEntries(reference.measurement.tensors.filter((s) => s.name.endsWith('weight')).map((s) => [s.name, s.sparsity]));
results.push(await runMethod({ kind: 'magnitude', sparsity }, settings, results[0].trainedState));

const rows: Row[] = results.map((r) => row(r, '8-bit uniform', r.measurement, r.accuracy));
for (const r of results) {
  const model = settings.model();
  const c = await compressAndEvaluate(model, r.fineTuned, { ...settings, quantize: { quantizer: 'codebook', codebookSize: 15 } });
  model.dispose();
  rows.push(row(r, '15 shared magnitudes', c.measurement, c.accuracy));
}
console.log(markdown(rows));

// Robustness of the matched-accuracy claim over seeds (model initialisation and batch order).
const seeds: { seed: number; method: string; errorPercent: number; sparsityPercent: number; ratioRange: number }[] = [];
const seedRow = (seed: number, r: MethodResult) => ({ seed, method: r.label, errorPercent: r.testErrorPercent, sparsityPercent: 100 * r.measurement.weights.sparsity, ratioRange: r.measurement.files[0].ratio });
for (const r of results.filter((x) => x.method.kind === 'none' || (x.method.kind === 'compressibility' && x.method.sparsify === undefined && [0.001, 0.002].includes(x.method.lambda)))) seeds.push(seedRow(1, r));
for (const seed of quick ? [] : [2, 3, 4]) {
  for (const method of [{ kind: 'none' }, { kind: 'compressibility', lambda: 0.001 }, { kind: 'compressibility', lambda: 0.002 }] as Method[]) {
    const r = await runMethod(method, settingsFor(seed));
    console.error(`seed ${seed} ${r.label}: error ${r.testErrorPercent.toFixed(2)}%`);
    seeds.push(seedRow(seed, r));
  }
}
const gap = (seed: number, label: string) => seeds.find((s) => s.seed === seed && s.method === label)!.errorPercent - seeds.find((s) => s.seed === seed && s.method === 'λ=0')!.errorPercent;
const seedList = [...new Set(seeds.map((s) => s.seed))];
console.log(['', '| seed | λ=0 error % | λ=0.001: error − λ=0 error (points), sparsity %, CR range | λ=0.002: same |', '|---|---|---|---|',
  ...seedList.map((seed) => {
    const cell = (label: string) => {
      const s = seeds.find((x) => x.seed === seed && x.method === label);
      return s ? `${gap(seed, label) >= 0 ? '+' : ''}${gap(seed, label).toFixed(2)}, ${s.sparsityPercent.toFixed(1)}%, ${s.ratioRange.toFixed(1)}×` : '—';
    };
    const base = seeds.find((x) => x.seed === seed && x.method === 'λ=0')!;
    return `| ${seed} | ${base.errorPercent.toFixed(2)} (${base.sparsityPercent.toFixed(1)}%, ${base.ratioRange.toFixed(1)}×) | ${cell('L_c λ=0.001')} | ${cell('L_c λ=0.002')} |`;
  })].join('\n'));
await mkdir(resultsDir, { recursive: true });
const setting = { model: 'mnistFc', trainImages: settings.train.count, testImages: settings.test.count, epochs: settings.epochs, fineTuneEpochs: settings.fineTuneEpochs, lr: settings.lr, fineTuneLr: 'lr/5, linear decay to 0', backend: 'cpu' };
await writeFile(join(resultsDir, quick ? 'sweep.quick.json' : 'sweep.json'), `${JSON.stringify({ setting, rows, seeds }, null, 2)}\n`);
