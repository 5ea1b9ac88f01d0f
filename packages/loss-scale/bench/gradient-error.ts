/**
 * How far each loss-scaling method's unscaled float16 gradients are from the float32 gradients
 * of the same weights and batches, per layer: the relative error ‖g₁₆ − g₃₂‖ / ‖g₃₂‖ and the
 * cosine, next to how far one batch's float32 gradient is from the next batch's (the noise SGD
 * itself adds). It runs the trainers' own step (an optimizer that only copies the gradients it is
 * given), so the float16 forward, the scales, the underflow and the unscaling are the training
 * run's. The weights come from a paper-run checkpoint (`--checkpoint FILE`, e.g.
 * `bench/checkpoints/medium/fp32.nnlb`) or, without one, are the preset's initial weights.
 *
 * Run from the package folder: `tsx bench/gradient-error.ts --medium [--seed N] [--checkpoint FILE]
 * [--batches B] [--label NAME]`; prints a table and adds a row set to
 * `bench/results/gradient-error.json` under `--label` (default: the checkpoint's file name), then
 * the summary of every stored run; `--report` prints only that summary.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as t from '@nnlab/tensor-gpu';
import { MixedPrecisionTrainer, noScaling, type LossScalePolicy } from '../src/index';
import { gitRevision, loadAverages, readJsonFile, writeJsonFileAtomic } from '../../../scripts/bench-report';
import { loadPaperData } from './paper/data';
import { paperModel, paperPolicy } from './paper/run';
import { MEDIUM_SETTINGS, QUICK_SETTINGS, SCALED_SETTINGS } from './paper/settings';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { quick: { type: 'boolean' }, medium: { type: 'boolean' }, seed: { type: 'string' }, checkpoint: { type: 'string' }, batches: { type: 'string' }, label: { type: 'string' }, report: { type: 'boolean' } } });
const preset = values.quick ? QUICK_SETTINGS : values.medium ? MEDIUM_SETTINGS : SCALED_SETTINGS;
const seed = values.seed === undefined ? preset.seed : Number(values.seed);
if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`--seed: expected an integer ≥ 0, got ${values.seed}`);
const batchCount = values.batches === undefined ? 4 : Number(values.batches);
if (!Number.isInteger(batchCount) || batchCount < 1) throw new Error(`--batches: expected a positive integer, got ${values.batches}`);
const s = { ...preset, seed };

/**
 * The configurations compared with float32, as the paper run makes them (S = the preset's static
 * scale); static 4096 leaves almost nothing to underflow in the backward pass, so its error is
 * what the float16 forward pass alone costs.
 */
const CONFIGS: { name: string; policy: () => LossScalePolicy }[] = [
  { name: 'no scaling', policy: () => paperPolicy('none', s) },
  { name: `static ${s.staticScale}`, policy: () => paperPolicy('static', s) },
  { name: 'static 4096', policy: () => paperPolicy('static', { ...s, staticScale: 4096 }) },
  { name: 'adaptive (s₀ = 1)', policy: () => paperPolicy('adaptive', s) },
  { name: `adaptive from s₀ = ${s.staticScale}`, policy: () => paperPolicy('adaptive-static', s) },
];

interface StoredRun {
  epochs: number;
  batches: number;
  rows: { config: string; layer: string; relativeError: number; cosine: number | null }[];
}

/** The convolution and Linear weights (the tables show these; the results file has every parameter). */
function layerWeights(model: t.nn.Module): string[] {
  return model.namedParameters().filter(([, p]) => p.value.rank >= 2).map(([name]) => name);
}

/** Median and largest relative error over the convolution and Linear weights, per configuration and stored run. */
function summary(runs: Record<string, StoredRun>): string {
  const probe = paperModel(s);
  const weights = new Set(layerWeights(probe));
  probe.dispose();
  const columns = [...CONFIGS.map((c) => c.name), 'float32, next batch'];
  const lines = [`| weights (epochs) | ${columns.join(' | ')} |`, `|---|${columns.map(() => '---|').join('')}`];
  for (const [label, run] of Object.entries(runs)) {
    const cell = (config: string) => {
      const errors = run.rows.filter((r) => r.config === config && weights.has(r.layer)).map((r) => 100 * r.relativeError).sort((a, b) => a - b);
      return errors.length ? `${errors[errors.length >> 1].toFixed(2)}% (${errors.at(-1)!.toFixed(2)}%)` : '—';
    };
    lines.push(`| ${label} (${run.epochs}) | ${columns.map(cell).join(' | ')} |`);
  }
  return `Relative error of the float16 weight gradients against float32, median (largest) over the ${weights.size} convolution and Linear weights:\n\n${lines.join('\n')}`;
}

const file = join(here, 'results', 'gradient-error.json');
if (values.report) {
  console.log(summary((await readJsonFile<Record<string, StoredRun>>(file)) ?? {}));
  process.exit(0);
}

/** A step optimizer that keeps copies of the gradients it is given and updates nothing. */
function gradientCopier(): t.optim.StepOptimizer & { taken: t.Tensor[][] } {
  const taken: t.Tensor[][] = [];
  return {
    taken,
    step: (_params, grads) => void taken.push(grads.map((g) => t.mul(g, 1))),
    dispose: () => undefined,
  };
}

await t.setBackend('cpu', { threads: 1 });
const model = paperModel(s);
let epochs = 0;
if (values.checkpoint) {
  const bytes = new Uint8Array(await readFile(values.checkpoint));
  const dict = t.nn.decodeStateDict(bytes, values.checkpoint);
  const optimizer = t.optim.sgd({ lr: s.lr, momentum: s.momentum, weightDecay: s.weightDecay });
  epochs = t.train.restoreCheckpoint(dict, model, optimizer).epochsDone;
  optimizer.dispose();
}
const names = model.namedParameters().map(([name]) => name);
const weights = layerWeights(model);
const data = await loadPaperData(s);
const sampleSize = data.train.shape.reduce((a, b) => a * b, 1);
const order = t.data.permutation(data.train.count, seed * 100_003);
const batches = [...t.data.batches(order, s.batchSize, { dropLast: true })].slice(0, batchCount);

async function gradients(precision: 'float32' | 'float16', policy: LossScalePolicy): Promise<Float32Array[][]> {
  const copier = gradientCopier();
  const trainer = new MixedPrecisionTrainer(model, copier, { precision, policy, recordEvery: 0 });
  const out: Float32Array[][] = [];
  for (const indices of batches) {
    const { x, y } = t.data.gatherBatch(data.train.images, data.train.labels as Uint8Array, indices, sampleSize);
    const input = t.tensor(x, [indices.length, ...data.train.shape]);
    await trainer.step(input, Int32Array.from(y));
    input.dispose();
    const copies = copier.taken.pop();
    if (!copies) throw new Error(`gradient-error: a ${precision} step was skipped (non-finite gradient)`);
    out.push(await Promise.all(copies.map((g) => g.data())));
    for (const g of copies) g.dispose();
  }
  trainer.dispose();
  return out;
}

const reference = await gradients('float32', noScaling());
const rows: { config: string; layer: string; relativeError: number; cosine: number }[] = [];
// The yardstick: how far one batch's float32 gradient is from the next batch's (SGD's own noise).
for (let i = 0; i < names.length && batches.length > 1; i++) {
  let err = 0;
  let ref = 0;
  for (let b = 0; b + 1 < batches.length; b++) {
    const r = reference[b][i];
    const next = reference[b + 1][i];
    for (let k = 0; k < r.length; k++) (err += (next[k] - r[k]) ** 2), (ref += r[k] ** 2);
  }
  rows.push({ config: 'float32, next batch', layer: names[i], relativeError: Math.sqrt(err / ref), cosine: Number.NaN });
}
for (const config of CONFIGS) {
  const got = await gradients('float16', config.policy());
  names.forEach((layer, i) => {
    let err = 0;
    let ref = 0;
    let dot = 0;
    let norm = 0;
    for (let b = 0; b < batches.length; b++) {
      const g = got[b][i];
      const r = reference[b][i];
      for (let k = 0; k < r.length; k++) {
        err += (g[k] - r[k]) ** 2;
        ref += r[k] ** 2;
        dot += g[k] * r[k];
        norm += g[k] ** 2;
      }
    }
    rows.push({ config: config.name, layer, relativeError: Math.sqrt(err / ref), cosine: dot / Math.sqrt(ref * norm) });
  });
}
model.dispose();

const columns = [...CONFIGS.map((c) => c.name), ...(batches.length > 1 ? ['float32, next batch'] : [])];
const lines = [`| parameter | ${columns.join(' | ')} |`, `|---|${columns.map(() => '---|').join('')}`];
for (const layer of weights) {
  const cells = columns.map((c) => rows.find((r) => r.config === c && r.layer === layer)!).map((r) => `${(100 * r.relativeError).toFixed(2)}%${Number.isNaN(r.cosine) ? '' : ` (cos ${r.cosine.toFixed(4)})`}`);
  lines.push(`| ${layer} | ${cells.join(' | ')} |`);
}
console.log(`${values.checkpoint ? `${values.checkpoint} after ${epochs} epochs` : 'initial weights'}, ${batches.length} batches of ${s.batchSize}, seed ${seed}\n\n${lines.join('\n')}`);

const label = values.label ?? (values.checkpoint ? basename(values.checkpoint) : 'initial');
const previous = (await readJsonFile<Record<string, unknown>>(file)) ?? {};
previous[`${s.preset}.seed${seed}.${label}`] = { epochs, batches: batches.length, revision: gitRevision(), load: loadAverages(), date: new Date().toISOString(), rows };
await writeJsonFileAtomic(file, previous);
console.log(`\n${summary(previous as Record<string, StoredRun>)}`);
