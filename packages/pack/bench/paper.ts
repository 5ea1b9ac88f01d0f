/**
 * The pack paper's claims on the cpu backend: packed-step improvement for K = 1, 2, 4, 8 (MLP
 * 784-256-10, a three-hidden-layer MLP and LeNet-5, batch 64) next to the paper's TensorFlow-CPU
 * values, and pack-aware Hyperband (R = 27, η = 3) against plain Hyperband on identical sampled
 * configurations next to the paper's 2.7×. Writes `bench/results/paper.json` after every phase;
 * rerunning skips the phases already done.
 *
 * Run from the package folder: `tsx bench/paper.ts` (`--quick`: K ≤ 2, R = 3, writes `paper.quick.json`).
 *
 * @module
 */
import { parseArgs } from 'node:util';
import * as t from '@nnlab/tensor-gpu';
import { hyperbandTable, stepTable } from './paper/report';
import { runPackPaper } from './paper/run';

const { values } = parseArgs({ options: { quick: { type: 'boolean' } } });
const quick = values.quick === true;
await t.setBackend('cpu');
const results = await runPackPaper(
  {
    settings: quick ? { ks: [1, 2], repeats: 5, R: 3, hyperbandTrain: 300, hyperbandValidation: 200, packSizes: [4] } : {},
    resultsFile: new URL(`./results/paper${quick ? '.quick' : ''}.json`, import.meta.url).pathname,
  },
  { onProgress: (e) => console.log(e.message) },
);
console.log(`\n${stepTable(results)}\n\n${hyperbandTable(results)}`);
