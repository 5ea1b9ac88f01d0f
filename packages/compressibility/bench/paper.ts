/**
 * The compressibility loss against Deep Compression (Han et al. 2016: LeNet-300-100, 40× at 1.58%
 * error), L1 and magnitude pruning, all through this package's pipeline (train → prune → retrain →
 * quantise with shared magnitudes → range/deflate coding), compared at equal validation error.
 * Writes `bench/results/paper-40+10.json` after every method; rerunning skips the methods already done
 * (the 10 + 3-epoch run of an earlier version is kept in `bench/results/archive/`).
 *
 * `--network lenet-5`: Caffe's LeNet-5 instead (Deep Compression: 39× at 0.74%), `LENET5_SETTINGS`,
 * writes `bench/results/paper-lenet5.json` (`paper-lenet5.quick.json` with `--quick`); with
 * `--retrain N`, the same trained λ = 0 weights pruned iteratively to Deep Compression's rates with N
 * retraining epochs per stage (`lenet5LongRetrainSettings`), `bench/results/paper-lenet5-retrainN.json`
 * (run it with `--only "magnitude iterative (Deep Compression rates, 3 stages)"` to skip λ = 0's own pruning).
 *
 * Run from the package folder: `tsx bench/paper.ts [--network lenet-300-100|lenet-5] [--hours H] [--only LABEL ...]` (`--only`: run just
 * those methods, e.g. in two processes sharing the results file; `--quick`: 1 + 1 epochs, two methods
 * and the iterative magnitude pruning, writes `paper.quick.json`; `--report`: print the tables of the
 * results file as it is, without running anything).
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as t from '@nnlab/tensor-gpu';
import { equalErrorTable, paperTable, pointsTable } from './paper/report';
import { runCompressibilityPaper, type CompressibilityPaperResults } from './paper/run';
import { LENET5_SETTINGS, lenet5LongRetrainSettings } from './paper/settings';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { network: { type: 'string' }, hours: { type: 'string' }, quick: { type: 'boolean' }, report: { type: 'boolean' }, only: { type: 'string', multiple: true }, retrain: { type: 'string' } } });
const quick = values.quick === true;
const network = values.network ?? 'lenet-300-100';
if (network !== 'lenet-300-100' && network !== 'lenet-5') throw new Error(`paper: --network must be lenet-300-100 or lenet-5, got ${network}`);
const lenet5 = network === 'lenet-5';
const retrain = values.retrain === undefined ? undefined : Number(values.retrain);
if (retrain !== undefined && !(lenet5 && !quick && Number.isInteger(retrain) && retrain >= 1)) throw new Error(`paper: --retrain takes a whole number of epochs >= 1, with --network lenet-5 and without --quick; got ${values.retrain}`);
const resultsFile = join(here, 'results', lenet5 ? (quick ? 'paper-lenet5.quick.json' : `paper-lenet5${retrain === undefined ? '' : `-retrain${retrain}`}.json`) : quick ? 'paper.quick.json' : 'paper-40+10.json');
await t.setBackend('cpu');
let lastLog = 0;
const results: CompressibilityPaperResults = values.report
  ? (JSON.parse(await readFile(resultsFile, 'utf8')) as CompressibilityPaperResults)
  : await runCompressibilityPaper(
      {
        settings: { ...(lenet5 ? (retrain === undefined ? LENET5_SETTINGS : lenet5LongRetrainSettings(retrain)) : {}), ...(quick ? { epochs: 1, fineTuneEpochs: 1, trained: [{ kind: 'none' }, { kind: 'compressibility', lambda: 0.002 }], magnitude: {}, codebookSizes: [15] } : {}) },
        resultsFile,
        checkpointDir: join(here, 'checkpoints', lenet5 ? (quick ? 'quick-lenet5' : 'lenet-5') : quick ? 'quick' : 'lenet-300-100-40+10'),
        budgetSeconds: values.hours ? Number(values.hours) * 3600 : undefined,
        only: values.only,
      },
      {
        onProgress: (e) => {
          if ('message' in e) console.log(e.message);
          else if (performance.now() - lastLog > 60_000) {
            lastLog = performance.now();
            console.log(`${e.method}: ${e.phase} step ${e.step}`);
          }
        },
      },
    );
console.log(`\n${pointsTable(results)}\n\n${equalErrorTable(results)}\n\n${paperTable(results)}`);
