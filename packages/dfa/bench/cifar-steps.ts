/**
 * Step time of the CIFAR-10 experiments of Han and Yoo's setting on the cpu backend (the small CNN
 * of `smallCifarCnn`, batch 64): BP, all-layer DFA, the hybrid (conv BP, FC DFA), the hybrid with
 * the true BP gradient at its conv/FC boundary and the binary hybrid, and from it the estimated
 * duration of full-data training (50,000 images) and of the 10%
 * subset, per epoch and for 100 epochs. Training steps of the methods are interleaved so load
 * hits them alike; the median of `--steps` (default 5) after one warm-up step.
 *
 * Run from the package folder: `tsx bench/cifar-steps.ts`. Writes `bench/results/cifar-steps.json`.
 *
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import * as t from '@nnlab/tensor-gpu';
import { createDfa, smallCifarCnn, type DfaOptions } from '../src/index';
import { gitRevision, loadAverages, machineInfo, median, textTable } from '../../../scripts/bench-report';

const { values } = parseArgs({ options: { steps: { type: 'string' } } });
const steps = Number(values.steps ?? 5);
const batch = 64;
await t.setBackend('cpu');
const machine = machineInfo(t.getBackend() ?? 'unset');
const methods: { name: string; options: Partial<DfaOptions> }[] = [
  { name: 'BP', options: { rules: 'bp' } },
  { name: 'DFA (all layers)', options: { rules: 'dfa' } },
  { name: 'hybrid (conv BP, FC DFA)', options: { rules: 'hybrid' } },
  { name: 'hybrid, true boundary gradient', options: { rules: 'hybrid', boundaryFeed: 'bp-delta' } },
  { name: 'binary hybrid', options: { rules: 'hybrid', binary: true } },
];
const runs = methods.map((m) => {
  const model = smallCifarCnn(1);
  return { ...m, model, net: createDfa(model, { seed: 7, inputShape: [3, 32, 32], ...m.options }), optimizer: t.optim.sgd({ lr: 0.01, momentum: 0.9 }), times: [] as number[] };
});
const x = t.rand([batch, 3, 32, 32], { seed: 2 });
const labels = Int32Array.from({ length: batch }, (_, i) => i % 10);
for (let s = 0; s <= steps; s++) {
  for (const r of runs) {
    const start = performance.now();
    const loss = r.net.step(x, labels, r.optimizer);
    await loss.data();
    loss.dispose();
    if (s > 0) r.times.push(performance.now() - start);
  }
}
x.dispose();
const rows = runs.map((r) => {
  const ms = median(r.times);
  const epochFull = (ms * Math.ceil(50_000 / batch)) / 1000;
  const epochSmall = (ms * Math.ceil(5_000 / batch)) / 1000;
  r.optimizer.dispose();
  r.net.dispose();
  r.model.dispose();
  return { method: r.name, msPerStep: ms, secondsPerEpochFull: epochFull, secondsPerEpochSubset: epochSmall, hours100EpochsFull: (100 * epochFull) / 3600, hours100EpochsSubset: (100 * epochSmall) / 3600 };
});
const load = loadAverages();
console.log(`CIFAR-10 small CNN, batch ${batch}, cpu backend, median of ${steps} steps, load ${load.join(' ')} (training steps only: evaluation not counted)\n`);
console.log(textTable(['method', 'ms/step', 's/epoch 50k', 's/epoch 5k', 'h for 100 epochs 50k', 'h for 100 epochs 5k'], rows.map((r) => [r.method, r.msPerStep.toFixed(0), r.secondsPerEpochFull.toFixed(0), r.secondsPerEpochSubset.toFixed(0), r.hours100EpochsFull.toFixed(1), r.hours100EpochsSubset.toFixed(2)])));
const out = new URL('./results/cifar-steps.json', import.meta.url).pathname;
await writeFile(out, `${JSON.stringify({ machine, revision: gitRevision(), loadAfter: load, batch, steps, rows }, null, 2)}\n`);
console.log(`\nwrote results/cifar-steps.json`);
