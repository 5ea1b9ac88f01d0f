/**
 * Nøkland's (2016) MNIST experiment at its scale: 784-800-800-10 tanh trained by BP, DFA and binary
 * DFA on the 60,000 training images less a validation split, each until its validation error stops
 * improving (or `--max-epochs`), with per-layer alignment curves; compared with the paper's test errors.
 * Checkpoints every method after every epoch (`bench/checkpoints/`, not committed); rerunning resumes.
 *
 * Run from the package folder: `tsx bench/paper.ts [--hours H] [--max-epochs N]`
 * (`--quick`: 2×64 network, 2 epochs, writes `paper.quick.json`). Writes `bench/results/paper.json`.
 *
 * @module
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as t from '@nnlab/tensor-gpu';
import { curveTable, paperTable } from './paper/report';
import { runDfaPaper } from './paper/mnist';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { hours: { type: 'string' }, 'max-epochs': { type: 'string' }, quick: { type: 'boolean' } } });
const quick = values.quick === true;
await t.setBackend('cpu');
const results = await runDfaPaper(
  {
    settings: quick ? { hidden: 64, maxEpochs: 2, alignmentEvery: 200 } : values['max-epochs'] ? { maxEpochs: Number(values['max-epochs']) } : {},
    resultsFile: join(here, 'results', quick ? 'paper.quick.json' : 'paper.json'),
    checkpointDir: join(here, 'checkpoints', quick ? 'quick' : 'mnist-2x800'),
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
);
console.log(`\n${curveTable(results)}\n\n${paperTable(results)}`);
