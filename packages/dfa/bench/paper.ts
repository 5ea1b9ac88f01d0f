/**
 * Nøkland's (2016) MNIST experiment at its scale: 784-800-800-10 tanh trained by BP, DFA and binary
 * DFA on the 60,000 training images less a validation split, each until its validation error stops
 * improving (or `--max-epochs`), with per-layer alignment curves; compared with the paper's test errors.
 * Checkpoints every method after every epoch (`bench/checkpoints/`, not committed); rerunning resumes.
 *
 * Run from the package folder: `tsx bench/paper.ts [--hours H] [--max-epochs N]`
 * (`--quick`: 2×64 network, 2 epochs, writes `paper.quick.json`). Writes `bench/results/paper.json`.
 * `--seed N` (N ≥ 2) repeats the run with weights seed N, feedback seed N + 6 and data seed N (the
 * split and shuffles; seed 1 is the run of `paper.json`: 1, 7, 1), every other setting unchanged,
 * into `paper.seedN.json`; `--methods bp,dfa` trains only those methods. `--threads N`: the cpu
 * backend's threads (default: every core; results are identical for every count). `--report`
 * prints the per-seed DFA − BP table of every finished or running seed without training.
 * `--feedback-scale S` multiplies the DFA blocks' feedback (their step size; BP is unaffected),
 * into `paper.fbS[.seedN].json`; `--report` prints the epochs of the run so named and one
 * per-seed table per scale. `--network 1x800|7x240` trains Nøkland's other tanh nets instead of
 * 2x800 (the default), into `paper-1x800[.fbS][.seedN].json` and so on; `--report` reads that
 * network's files.
 *
 * @module
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as t from '@nnlab/tensor-gpu';
import { parseThreads, readJsonFile } from '../../../scripts/bench-report';
import { curveTable, paperTable } from './paper/report';
import { runDfaPaper, type DfaPaperResults } from './paper/mnist';
import { DEFAULT_SETTINGS, METHOD_LABEL, NOKLAND_NETWORKS, TARGETS, type NoklandNetwork } from './paper/settings';
import { parseMethods, parseVariant, variantSeedTables, variantSettings, variantSuffix } from './paper/variants';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { hours: { type: 'string' }, 'max-epochs': { type: 'string' }, quick: { type: 'boolean' }, seed: { type: 'string' }, methods: { type: 'string' }, threads: { type: 'string' }, report: { type: 'boolean' }, 'feedback-scale': { type: 'string' }, network: { type: 'string' } } });
const quick = values.quick === true;
const variant = parseVariant('paper', values);
const methods = parseMethods('paper', values.methods, DEFAULT_SETTINGS.methods);
const threads = parseThreads('paper', values.threads);
const network = (values.network ?? '2x800') as NoklandNetwork;
if (!Object.hasOwn(NOKLAND_NETWORKS, network)) throw new Error(`paper: --network must be one of ${Object.keys(NOKLAND_NETWORKS).join(', ')}, got ${values.network}`);
// The 2×800 runs came first and keep their file names.
const base = network === '2x800' ? 'paper' : `paper-${network}`;
const suffix = quick ? '.quick' : variantSuffix(variant);
if (values.report) {
  // The epochs of the run asked for (`--seed`, `--feedback-scale`; default the first run), then every seed's gap.
  const run = await readJsonFile<DfaPaperResults>(join(here, 'results', `${base}${suffix}.json`));
  if (run) console.log(`${base}${suffix}.json:\n\n${curveTable(run)}\n`);
  console.log(await variantSeedTables(join(here, 'results'), base, { method: 'dfa', baseline: 'bp', labels: METHOD_LABEL, target: TARGETS.dfaVsBp }));
  process.exit(0);
}
await t.setBackend('cpu', threads);
const results = await runDfaPaper(
  {
    settings: {
      ...(quick ? { hidden: 64, maxEpochs: 2, alignmentEvery: 200 } : values['max-epochs'] ? { maxEpochs: Number(values['max-epochs']) } : {}),
      ...variantSettings(variant),
      ...(methods ? { methods } : {}),
    },
    resultsFile: join(here, 'results', `${base}${suffix}.json`),
    checkpointDir: join(here, 'checkpoints', `${quick ? 'quick' : 'mnist'}-${network}${quick ? '' : variantSuffix(variant).replace(/\./g, '-')}`),
    budgetSeconds: values.hours ? Number(values.hours) * 3600 : undefined,
  },
  {
    onProgress: (e) => {
      if ('message' in e) console.log(e.message);
      else if ('epochDone' in e) {
        const r = e.epochDone;
        console.log(`${e.method} epoch ${r.epoch}: loss ${r.loss.toFixed(4)}, train ${r.trainErrorPercent.toFixed(2)}%, validation ${r.validationErrorPercent.toFixed(2)}%, test ${r.testErrorPercent.toFixed(2)}%, ${r.trainSeconds.toFixed(0)} s, load ${r.load.join(' ')}`);
      }
    },
  },
  network,
);
console.log(`\n${curveTable(results)}\n\n${paperTable(results)}`);
