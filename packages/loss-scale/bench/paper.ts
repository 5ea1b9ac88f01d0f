/**
 * The adaptive loss-scaling paper's CIFAR-10 experiment: ResNet-20 trained with SGD (momentum
 * 0.9, lr 0.1, weight decay 1e-4, batch 128) in float32 and in emulated float16 with no, static,
 * dynamic and adaptive loss scaling; test accuracy, skipped steps and per-layer underflow per
 * epoch, compared with the paper's claims. Checkpoints every method after every epoch
 * (`bench/checkpoints/`, not committed); rerunning resumes.
 *
 * Run from the package folder: `tsx bench/paper.ts` (the scaled setting, about an hour on a
 * quiet 2-core CPU; writes `bench/results/paper.json`), `--full` (the reference's 164 epochs on
 * all 50,000 images: a GPU-backend or multi-day run; writes `paper.full.json`), `--medium` (the
 * scaled network on 20,000 images for 12 epochs, tested on all 10,000: about an hour of both cores;
 * writes `paper.medium.json`), `--quick` (seconds;
 * writes `paper.quick.json`). `--only fp32 --only none ...` trains some methods (two processes
 * can share one results file); `--only adaptive-static` trains adaptive scaling started at the
 * static scale S, which no preset trains unless named; `--seed N` trains from other initial weights and batch order
 * (results file `paper.<preset>.seedN.json`); `--hours H` stops starting epochs after H hours; `--threads N` sets the cpu backend's threads; `--report` prints
 * the tables of the results file without running, and the final accuracies of every seed's file of the preset.
 *
 * @module
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as t from '@nnlab/tensor-gpu';
import { curveTable, layerTable, paperTable, seedTable, settingLine } from './paper/report';
import { runLossScalePaper, type LossScalePaperResults } from './paper/run';
import { parseThreads, readJsonFile } from '../../../scripts/bench-report';
import { ALL_METHODS, FULL_SETTINGS, MEDIUM_SETTINGS, QUICK_SETTINGS, SCALED_SETTINGS, type PaperMethod } from './paper/settings';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { quick: { type: 'boolean' }, full: { type: 'boolean' }, medium: { type: 'boolean' }, seed: { type: 'string' }, hours: { type: 'string' }, only: { type: 'string', multiple: true }, backend: { type: 'string' }, threads: { type: 'string' }, report: { type: 'boolean' } } });
const preset = values.quick ? 'quick' : values.full ? 'full' : values.medium ? 'medium' : 'scaled';
const presetSettings = { quick: QUICK_SETTINGS, full: FULL_SETTINGS, medium: MEDIUM_SETTINGS, scaled: SCALED_SETTINGS }[preset];
// `--seed N`: the same preset from other initial weights and batch order, in its own results file.
const seed = values.seed === undefined ? presetSettings.seed : Number(values.seed);
if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`--seed: expected an integer ≥ 0, got ${values.seed}`);
const settings = { ...presetSettings, seed };
const seedSuffix = seed === presetSettings.seed ? '' : `.seed${seed}`;
for (const m of values.only ?? []) if (!ALL_METHODS.includes(m as PaperMethod)) throw new Error(`--only: expected one of ${ALL_METHODS.join(', ')}, got ${m}`);
// `--threads N`: the cpu backend's threads (default: every core); results do not depend on it.
await t.setBackend((values.backend ?? 'cpu') as Parameters<typeof t.setBackend>[0], parseThreads('paper', values.threads));
let lastLog = 0;
const resultsFile = join(here, 'results', `${preset === 'scaled' ? 'paper' : `paper.${preset}`}${seedSuffix}.json`);
// `--report`: print the tables of the results so far, run nothing.
const results = values.report ? (await readJsonFile<LossScalePaperResults>(resultsFile))! : await runLossScalePaper(
  {
    settings,
    resultsFile,
    checkpointDir: join(here, 'checkpoints', `${preset}${seedSuffix}`),
    budgetSeconds: values.hours ? Number(values.hours) * 3600 : undefined,
    only: values.only as PaperMethod[] | undefined,
  },
  {
    onProgress: (e) => {
      if ('message' in e) console.log(e.message);
      else if ('epochDone' in e) {
        const r = e.epochDone;
        console.log(`${e.method} epoch ${r.epoch}: loss ${r.loss.toFixed(3)}, test ${(100 * r.testAccuracy).toFixed(2)}%, skipped ${r.skippedSteps}/${r.steps}, s₀ ${r.lossScale.toPrecision(3)}, ${r.seconds.toFixed(0)} s, load ${r.load.join(' ')}`);
      } else if (performance.now() - lastLog > 60_000 || e.step === 1) {
        lastLog = performance.now();
        console.log(`${e.method} epoch ${e.epoch + 1} step ${e.step}/${e.stepsPerEpoch}: ${(e.ms / 1000).toFixed(1)} s/step`);
      }
    },
  },
);
console.log(`\n${settingLine(results)}\n\n${curveTable(results)}\n\n${layerTable(results)}\n\n${paperTable(results)}`);
if (values.report) {
  // Every seed's results file of this preset: the preset's own seed first, then the others.
  const base = preset === 'scaled' ? 'paper' : `paper.${preset}`;
  const pattern = new RegExp(`^${base.replace('.', '\\.')}(\\.seed\\d+)?\\.json$`);
  const files = readdirSync(join(here, 'results')).filter((n) => pattern.test(n)).sort((a, b) => a.length - b.length || a.localeCompare(b, 'en', { numeric: true }));
  const runs = await Promise.all(files.map(async (n) => (await readJsonFile<LossScalePaperResults>(join(here, 'results', n)))!));
  if (runs.length > 1) console.log(`\nFinal test accuracy per seed (${files.join(', ')}):\n\n${seedTable(runs)}`);
}
