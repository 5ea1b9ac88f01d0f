import * as t from '@nnlab/tensor-gpu';
import { loadMnist } from '@nnlab/tensor-gpu/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitDfa, type DfaFitHistory } from './fit';
import { createDfa } from './network';
import { MNIST_FILE_NAMES, sharedData } from './testing/shared-data.test-helper';

// Short real-data runs on a subset of MNIST: a 784-256-256-10 tanh MLP (the experiment uses
// 2×800), SGD with momentum 0.9, lr 0.05, batch 64. The full comparison is `nnlab dfa`.
const data = sharedData('mnist', MNIST_FILE_NAMES);
const TRAIN = 4000;
const TEST = 2000;
const HIDDEN = 256;

type Split = t.train.LabeledData;
const subset = (s: { images: Float32Array; labels: Uint8Array | Int32Array }, count: number): Split => ({ images: s.images.subarray(0, count * 784), labels: s.labels.subarray(0, count), count, shape: [784] });

function mlp(zeroHidden = false): t.nn.Sequential {
  const init = zeroHidden ? { init: t.nn.zeros, biasInit: t.nn.zeros } : {};
  return new t.nn.Sequential(
    new t.nn.Linear(784, HIDDEN, { seed: 1, ...init }),
    new t.nn.Tanh(),
    new t.nn.Linear(HIDDEN, HIDDEN, { seed: 2, ...init }),
    new t.nn.Tanh(),
    new t.nn.Linear(HIDDEN, 10, { seed: 3 }),
  );
}

interface Run {
  errorPercent: number;
  history: DfaFitHistory;
  hiddenWeightNorms: number[];
}

async function run(train: Split, test: Split, mode: 'bp' | 'dfa' | 'bdfa', options: { epochs: number; zeroHidden?: boolean; alignmentEvery?: number }): Promise<Run> {
  const model = mlp(options.zeroHidden);
  const net = createDfa(model, { seed: 5, inputShape: [784], rules: mode === 'bp' ? 'bp' : 'dfa', binary: mode === 'bdfa' });
  const optimizer = t.optim.sgd({ lr: 0.05, momentum: 0.9 });
  try {
    const history = await fitDfa(net, train, { epochs: options.epochs, batchSize: 64, optimizer, seed: 1, alignmentEvery: options.alignmentEvery });
    const { accuracy } = await t.train.evaluate(model, test, { inputShape: [784] });
    const hiddenWeightNorms: number[] = [];
    for (const block of net.blocks.slice(0, -1)) hiddenWeightNorms.push(Math.sqrt((await block.weightLayer.weight.value.data()).reduce((s, v) => s + v * v, 0)));
    return { errorPercent: 100 * (1 - accuracy), history, hiddenWeightNorms };
  } finally {
    optimizer.dispose();
    net.dispose();
    model.dispose();
  }
}

describe.skipIf(data.skip)('MNIST (subset): DFA, binary DFA and BP (cpu)', () => {
  let train: Split;
  let test: Split;
  const runs: Record<string, Run> = {};

  beforeAll(async () => {
    await t.setBackend('cpu');
    const mnist = await loadMnist({ dir: data.dir });
    train = subset(mnist.train, TRAIN);
    test = subset(mnist.test, TEST);
    const before = t.memory().numTensors;
    runs.bp = await run(train, test, 'bp', { epochs: 2 });
    runs.dfa = await run(train, test, 'dfa', { epochs: 2, alignmentEvery: 8 });
    runs.bdfa = await run(train, test, 'bdfa', { epochs: 2 });
    expect(t.memory().numTensors).toBe(before);
    console.log(`MNIST ${TRAIN}/${TEST}, 784-${HIDDEN}-${HIDDEN}-10 tanh, 2 epochs: test error BP ${runs.bp.errorPercent.toFixed(2)}%, DFA ${runs.dfa.errorPercent.toFixed(2)}%, BDFA ${runs.bdfa.errorPercent.toFixed(2)}%`);
  }, 240_000);

  it('the alignment between DFA and BP updates turns positive within the first epoch and rises', () => {
    const firstEpoch = runs.dfa.history.alignment.filter((a) => a.epoch < 1);
    const cos = (i: number) => firstEpoch[i].layers.map((l) => l.weightCosine);
    console.log(`alignment (layer 1 / layer 2) over the first epoch: ${firstEpoch.map((a) => a.layers.map((l) => l.weightCosine.toFixed(2)).join('/')).join(' ')}`);
    const last = cos(firstEpoch.length - 1);
    const first = cos(0);
    // A random feedback matrix starts roughly orthogonal to BP's update (|cos| small) ...
    for (const c of first) expect(Math.abs(c)).toBeLessThan(0.2);
    // ... and the forward weights come to align with it within the first epoch.
    for (let l = 0; l < 2; l++) {
      expect(last[l]).toBeGreaterThan(0.2);
      expect(last[l]).toBeGreaterThan(first[l] + 0.1);
    }
  });

  it('DFA and BDFA train close to BP (short run: within 2.5 and 1.5 points; the full comparison is in nnlab dfa)', () => {
    expect(runs.bp.errorPercent).toBeLessThan(15);
    expect(runs.dfa.errorPercent - runs.bp.errorPercent).toBeLessThan(2.5);
    expect(Math.abs(runs.bdfa.errorPercent - runs.dfa.errorPercent)).toBeLessThan(1.5);
  });

  it('DFA trains from zero-initialised hidden weights; BP cannot leave that point', async () => {
    const dfa = await run(train, test, 'dfa', { epochs: 1, zeroHidden: true });
    expect(dfa.hiddenWeightNorms.every((w) => w > 0.1)).toBe(true);
    expect(dfa.errorPercent).toBeLessThan(40); // chance is 90%
    const bp = await run(subset(train, 640), test, 'bp', { epochs: 1, zeroHidden: true });
    expect(bp.hiddenWeightNorms).toEqual([0, 0]);
    expect(bp.errorPercent).toBeGreaterThan(70);
    console.log(`zero-initialised hidden weights, 1 epoch: DFA test error ${dfa.errorPercent.toFixed(2)}%, BP (10 steps) ${bp.errorPercent.toFixed(2)}% with hidden weights still exactly zero`);
  }, 120_000);
});
