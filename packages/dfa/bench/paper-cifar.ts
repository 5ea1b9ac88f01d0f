/**
 * Han & Yoo's (2019) CIFAR-10 experiment at its scale: the small CNN trained by BP, all-layer DFA,
 * the BP+DFA hybrid and the binary hybrid, first on a fixed 10% of the training images (4,500),
 * then on all of them (45,000; 5,000 held out for validation in both), each until its validation
 * error stops improving or its epochs are done, with per-layer alignment curves. The test error is
 * the one at the best validation epoch. Checkpoints every method after every epoch
 * (`bench/checkpoints/`, not committed); rerunning the same command resumes.
 *
 * Run from the package folder: `tsx bench/paper-cifar.ts [--data subset|full|both|full-lr0.001] [--hours H]
 * [--cifar-dir DIR]` (default both, subset first; CIFAR-10 from `--cifar-dir`, else where
 * `locateCifar10` finds it). Writes `bench/results/paper-cifar-subset.json` and
 * `paper-cifar-full.json` (`full-lr0.001`: the full set at a tenth of the rate, BP and the hybrids,
 * `paper-cifar-full-lr0.001.json`; not part of `both`). `--report` prints the tables of those files without training;
 * `--quick`: 490 images of one batch, 2 epochs, writes `paper-cifar.quick.json` (seconds).
 * `--seed N` (N ≥ 2) repeats a run with weights seed N, feedback seed N + 6 and data seed N (the
 * split, the subset and the shuffles; seed 1 is the run of the unsuffixed file: 1, 7, 1), every
 * other setting unchanged, into `….seedN.json`; `--feedback-scale S` multiplies the DFA blocks'
 * feedback (their step size; BP blocks unaffected), into `….fbS[.seedN].json`; `--boundary-feed
 * bp-delta` gives the hybrids' conv blocks the true BP gradient at the conv/FC boundary instead of
 * the one through fc1's DFA delta, into `….bpdelta[.fbS][.seedN].json`; `--methods
 * bp,hybrid` trains only those methods; `--threads N`: the cpu backend's threads (results are
 * identical for every count). `--report` also prints the per-seed hybrid − BP tables of the
 * full-set runs at rate 0.001 and of the subset runs, one per boundary feed and feedback scale.
 *
 * @module
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as t from '@nnlab/tensor-gpu';
import { loadCifar10 } from '@nnlab/tensor-gpu/node';
import { parseThreads, readJsonFile } from '../../../scripts/bench-report';
import { CIFAR_BLOCK_NAMES, CIFAR_FULL_LOW_RATE_SETTINGS, CIFAR_FULL_SETTINGS, CIFAR_METHOD_LABEL, CIFAR_QUICK_SETTINGS, CIFAR_SUBSET_SETTINGS, CIFAR_TARGETS, cifarExperiment, type CifarPaperSettings } from './paper/cifar';
import { cifarPaperTable, type CifarPaperResults } from './paper/cifar-report';
import { curveTable } from './paper/report';
import { runPaperExperiment } from './paper/run';
import { parseMethods, parseVariant, variantSeedTables, variantSettings, variantSuffix } from './paper/variants';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { data: { type: 'string' }, hours: { type: 'string' }, 'cifar-dir': { type: 'string' }, quick: { type: 'boolean' }, report: { type: 'boolean' }, seed: { type: 'string' }, methods: { type: 'string' }, threads: { type: 'string' }, 'feedback-scale': { type: 'string' }, 'boundary-feed': { type: 'string' } } });
const data = values.data ?? 'both';
if (!['subset', 'full', 'both', 'full-lr0.001'].includes(data)) throw new Error(`paper-cifar: --data must be subset, full, both or full-lr0.001, got ${data}`);
const hours = values.hours === undefined ? undefined : Number(values.hours);
if (hours !== undefined && !(hours > 0)) throw new Error(`paper-cifar: --hours must be a positive number, got ${values.hours}`);
const variant = parseVariant('paper-cifar', values);
const methods = parseMethods('paper-cifar', values.methods, CIFAR_FULL_SETTINGS.methods);
const threads = parseThreads('paper-cifar', values.threads);

const runs: { name: string; settings: Partial<CifarPaperSettings>; file: string; checkpoints: string }[] = values.quick
  ? [{ name: 'quick', settings: { ...CIFAR_SUBSET_SETTINGS, ...CIFAR_QUICK_SETTINGS }, file: 'paper-cifar.quick.json', checkpoints: 'cifar-quick' }]
  : data === 'full-lr0.001'
    ? [{ name: 'full set, lr 0.001', settings: CIFAR_FULL_LOW_RATE_SETTINGS, file: 'paper-cifar-full-lr0.001.json', checkpoints: 'cifar-full-lr0.001' }]
    : [
      ...(data === 'full' ? [] : [{ name: '10% subset', settings: CIFAR_SUBSET_SETTINGS, file: 'paper-cifar-subset.json', checkpoints: 'cifar-subset' }]),
      ...(data === 'subset' ? [] : [{ name: 'full set', settings: CIFAR_FULL_SETTINGS, file: 'paper-cifar-full.json', checkpoints: 'cifar-full' }]),
    ];

// Another seed or feedback scale of a run: its own results file and checkpoints.
const suffix = variantSuffix(variant);
const seeded = runs.map((r) => ({
  name: `${r.name}${suffix ? ` (${suffix})` : ''}`,
  settings: { ...r.settings, ...variantSettings(variant), ...(methods ? { methods } : {}) },
  file: r.file.replace(/\.json$/, `${suffix}.json`),
  checkpoints: `${r.checkpoints}${suffix.replace(/\./g, '-')}`,
}));

const tables = (all: CifarPaperResults[]) => [...all.map((r) => curveTable(r, CIFAR_METHOD_LABEL, CIFAR_BLOCK_NAMES)), cifarPaperTable(all)].join('\n\n');

if (values.report) {
  const all = (await Promise.all(seeded.map((r) => readJsonFile<CifarPaperResults>(join(here, 'results', r.file))))).filter((r): r is CifarPaperResults => r !== null);
  console.log(tables(all));
  const comparison = { baseline: 'bp', labels: CIFAR_METHOD_LABEL } as const;
  const hybrid = await variantSeedTables(join(here, 'results'), 'paper-cifar-full-lr0.001', { ...comparison, method: 'hybrid', target: CIFAR_TARGETS.hybridVsBpFull });
  const binary = await variantSeedTables(join(here, 'results'), 'paper-cifar-full-lr0.001', { ...comparison, method: 'bhybrid' });
  const subset = await variantSeedTables(join(here, 'results'), 'paper-cifar-subset', { ...comparison, method: 'hybrid', target: CIFAR_TARGETS.hybridVsBpSubset });
  console.log(`
Full set, lr 0.001, per seed: hybrid − BP

${hybrid}

binary hybrid − BP

${binary}

10% subset, lr 0.01, per seed: hybrid − BP

${subset}`);
} else {
  await t.setBackend('cpu', threads);
  // One loaded copy serves both runs (the images are copied per run before standardising).
  let loaded: Promise<t.data.DatasetSplits> | undefined;
  let loadedBatches = 0;
  const source = (trainBatches: number) => {
    if (!loaded || loadedBatches !== trainBatches) {
      loadedBatches = trainBatches;
      loaded = loadCifar10(values['cifar-dir'], { trainBatches: Array.from({ length: trainBatches }, (_, i) => i + 1) });
    }
    return loaded;
  };
  const experiment = cifarExperiment(source);
  const startedAt = performance.now();
  const all: CifarPaperResults[] = [];
  for (const run of seeded) {
    const left = hours === undefined ? undefined : hours * 3600 - (performance.now() - startedAt) / 1000;
    if (left !== undefined && left <= 0) break;
    console.log(`== CIFAR-10 ${run.name}`);
    all.push(await runPaperExperiment(experiment, { settings: run.settings, resultsFile: join(here, 'results', run.file), checkpointDir: join(here, 'checkpoints', run.checkpoints), budgetSeconds: left }, {
      onProgress: (e) => {
        if ('message' in e) console.log(e.message);
        else if ('epochDone' in e) {
          const r = e.epochDone;
          console.log(`${e.method} epoch ${r.epoch}: loss ${r.loss.toFixed(4)}, train ${r.trainErrorPercent.toFixed(2)}%, validation ${r.validationErrorPercent.toFixed(2)}%, test ${r.testErrorPercent.toFixed(2)}%, ${r.trainSeconds.toFixed(0)} s, load ${r.load.join(' ')}`);
        }
      },
    }));
  }
  console.log(`\n${tables(all)}`);
}
