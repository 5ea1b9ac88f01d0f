/**
 * How large a step each DFA block takes against back-propagation's, at the start and at the end of
 * the paper runs: per hidden block, ‖ΔW_rule‖ / ‖ΔW_BP‖ and cos(ΔW_rule, ΔW_BP) on the first 256
 * training images (`measureAlignment`), for the initial network and for the latest checkpoint of
 * every paper run found (MNIST 2×800 and CIFAR-10 at rate 0.001, every seed and feedback scale;
 * the table says after how many epochs). The DFA feedback is fixed while the layers above a block
 * grow, so its step shrinks against BP's as training goes on; `--feedback-scale` compensates.
 *
 * Run from the package folder after the paper runs: `tsx bench/update-norms.ts`. Writes
 * `bench/results/update-norms.json` and prints a table. Needs `bench/checkpoints/` (not committed).
 *
 * @module
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as t from '@nnlab/tensor-gpu';
import { loadCifar10 } from '@nnlab/tensor-gpu/node';
import { machineInfo, textTable, writeFileAtomic } from '../../../scripts/bench-report';
import { measureAlignment } from '../src/index';
import { loadCheckpoint } from './paper/checkpoint';
import { CIFAR_FULL_LOW_RATE_SETTINGS, cifarExperiment } from './paper/cifar';
import type { PaperExperiment } from './paper/experiment';
import { MNIST_EXPERIMENT } from './paper/mnist';
import type { PaperRunSettings } from './paper/settings';
import { variantsAmong, variantSettings, type RunVariant } from './paper/variants';

const here = dirname(fileURLToPath(import.meta.url));
const SAMPLES = 256;

interface Row {
  run: string;
  method: string;
  seed: number;
  feedbackScale: number;
  /** `init`, or the epochs the checkpoint had trained. */
  when: string;
  blocks: { rule: string; normRatio: number; weightCosine: number }[];
}

/** The variants of a run that have a checkpoint folder (`<prefix>[-fbS][-seedN]`). */
function variantsOf(prefix: string): { dir: string; variant: RunVariant }[] {
  const root = join(here, 'checkpoints');
  return existsSync(root) ? variantsAmong(readdirSync(root), prefix, '-').map(({ name, variant }) => ({ dir: join(root, name), variant })) : [];
}

async function measure<M extends string, S extends PaperRunSettings<M>>(run: string, experiment: PaperExperiment<M, S, unknown>, base: S, prefix: string, methods: readonly M[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const { dir, variant } of variantsOf(prefix)) {
    const settings = { ...base, ...variantSettings(variant) } as S;
    const data = await experiment.loadData(settings);
    const size = experiment.inputShape.reduce((a, b) => a * b, 1);
    const x = t.tensor(data.train.images.slice(0, SAMPLES * size), [SAMPLES, ...experiment.inputShape]);
    const labels = Array.from(data.train.labels.subarray(0, SAMPLES));
    for (const method of methods) {
      const file = join(dir, `${method}.nnlb`);
      if (!existsSync(file)) continue;
      for (const trained of [false, true]) {
        const net = experiment.makeNetwork(method, settings);
        try {
          let when = 'init';
          if (trained) {
            const restored = await loadCheckpoint(file, net.model, { lr: settings.lr, momentum: settings.momentum });
            restored?.optimizer.dispose();
            when = `after ${restored?.epochsDone ?? 0} epochs`;
          }
          const blocks = (await measureAlignment(net, x, labels)).map((a) => ({ rule: a.rule, normRatio: a.normRatio, weightCosine: a.weightCosine }));
          rows.push({ run, method, seed: variant.seed, feedbackScale: variant.feedbackScale, when, blocks });
          console.log(`${run} ${method} seed ${variant.seed} scale ${variant.feedbackScale} ${when}: ${blocks.map((b) => `${b.normRatio.toFixed(3)} (cos ${b.weightCosine.toFixed(2)})`).join('  ')}`);
        } finally {
          net.dispose();
          net.model.dispose();
        }
      }
    }
    x.dispose();
  }
  return rows;
}

await t.setBackend('cpu');
// Read once, when first needed, for every seed's split (each run copies the images before standardising them).
let cifar: ReturnType<typeof loadCifar10> | undefined;
const cifarSource = () => (cifar ??= loadCifar10(undefined, { trainBatches: Array.from({ length: CIFAR_FULL_LOW_RATE_SETTINGS.trainBatches }, (_, i) => i + 1) }));
const startedAt = new Date().toISOString();
const rows = [
  ...(await measure('MNIST 2×800 tanh', MNIST_EXPERIMENT, MNIST_EXPERIMENT.defaults, 'mnist-2x800', ['dfa', 'bdfa'])),
  ...(await measure('CIFAR-10, lr 0.001', cifarExperiment(cifarSource), CIFAR_FULL_LOW_RATE_SETTINGS, 'cifar-full-lr0.001', ['hybrid', 'bhybrid'])),
];
console.log(`\n${textTable(
  ['run', 'method', 'seed', 'feedback scale', 'network', '‖ΔW_rule‖ / ‖ΔW_BP‖ per hidden block (cos)'],
  rows.map((r) => [r.run, r.method, String(r.seed), String(r.feedbackScale), r.when, r.blocks.map((b) => `${b.normRatio.toFixed(3)} (${b.weightCosine.toFixed(2)})`).join(' / ')]),
)}`);
await writeFileAtomic(join(here, 'results', 'update-norms.json'), `${JSON.stringify({ machine: machineInfo('cpu'), started: startedAt, samples: SAMPLES, rows }, null, 1)}\n`);
