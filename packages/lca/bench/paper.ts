/**
 * The LCA paper's networks: the reference LeNet on MNIST and ResNet-20 on CIFAR-10 trained as the
 * reference code trains them, with every iteration's loss change allocated among the parameters
 * (adaptive Simpson). Reports the fraction of parameters helping, per-layer totals (which layers
 * hurt overall) and peak synchronisation against a shuffled null, next to the paper's findings.
 * Checkpoints every few iterations (`bench/checkpoints/`, not committed); rerunning resumes.
 *
 * Run from the package folder: `tsx bench/paper.ts` (LCA on a fixed subset of the training split,
 * ResNet-20 scaled; writes `bench/results/paper.json`), `--full` (LCA on the whole training split
 * as the reference; writes `paper.full.json`), `--quick` (seconds; writes `paper.quick.json`).
 * `--network lenet|resnet20` runs one (two processes can share one results file); `--hours H`
 * stops starting segments after H hours; `--iterations N` extends (or cuts) a run, which resumes;
 * `--report` prints the tables of the results file without running.
 *
 * @module
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as t from '@nnlab/tensor-gpu';
import { layerTable, paperTable, settingLine, summaryTable } from './paper/report';
import { runLcaPaper, type LcaPaperResults } from './paper/run';
import { readJsonFile } from '../../../scripts/bench-report';
import { PAPER_NETWORKS, SETTINGS, type PaperNetwork } from './paper/settings';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { quick: { type: 'boolean' }, full: { type: 'boolean' }, hours: { type: 'string' }, network: { type: 'string', multiple: true }, iterations: { type: 'string' }, report: { type: 'boolean' } } });
const preset = values.quick ? 'quick' : values.full ? 'full' : 'default';
const networks = (values.network ?? [...PAPER_NETWORKS]) as PaperNetwork[];
for (const n of networks) if (!PAPER_NETWORKS.includes(n)) throw new Error(`--network: expected one of ${PAPER_NETWORKS.join(', ')}, got ${n}`);
await t.setBackend('cpu');
const resultsFile = join(here, 'results', preset === 'default' ? 'paper.json' : `paper.${preset}.json`);
// `--report`: print the tables of the results so far, run nothing.
const results = values.report ? (await readJsonFile<LcaPaperResults>(resultsFile))! : await runLcaPaper(
  {
    settings: networks.map((n) => (values.iterations ? { ...SETTINGS[preset][n], iterations: Number(values.iterations) } : SETTINGS[preset][n])),
    resultsFile,
    checkpointDir: join(here, 'checkpoints', preset),
    budgetSeconds: values.hours ? Number(values.hours) * 3600 : undefined,
  },
  {
    onProgress: (e) => {
      if ('message' in e) console.log(e.message);
      else console.log(`${e.network}: ${e.iterationsDone} iterations; segment of ${e.segmentDone.iterations}: train ${e.segmentDone.trainSeconds.toFixed(0)} s, LCA ${e.segmentDone.lcaSeconds.toFixed(0)} s, load ${e.segmentDone.load.join(' ')}`);
    },
  },
);
for (const n of PAPER_NETWORKS) {
  const r = results.networks[n];
  if (r) console.log(`\n${settingLine(r)}\n\n${layerTable(r)}`);
}
console.log(`\n${summaryTable(results)}\n\n${paperTable(results)}`);
