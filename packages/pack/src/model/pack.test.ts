import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxRelativeError, packedSlices, randomData, rowsOf, trainAlone, type HostBatch } from '../testing.test-helper';
import { buildModel, lenet5Architecture, mlpArchitecture, type Architecture } from './architecture';
import type { ModelConfig } from './config';
import { pack } from './pack';

const TOL = 1e-5;
const mlp = mlpArchitecture([12, 10, 4]);
const cnn: Architecture = {
  name: 'tiny-cnn',
  inputShape: [1, 8, 8],
  layers: [
    { kind: 'conv2d', in: 1, out: 3, kernel: 3, padding: 1 },
    { kind: 'relu' },
    { kind: 'maxpool2d', kernel: 2 },
    { kind: 'conv2d', in: 3, out: 4, kernel: 3 },
    { kind: 'tanh' },
    { kind: 'flatten' },
    { kind: 'linear', in: 16, out: 5 },
  ],
};

const sgdConfigs: ModelConfig[] = [
  { seed: 1, lr: 0.1 },
  { seed: 2, lr: 0.05, momentum: 0.9 },
  { seed: 3, lr: 0.2, momentum: 0.5, weightDecay: 0.01 },
];

function sizeOf(arch: Architecture): number {
  return arch.inputShape.reduce((a, b) => a * b, 1);
}

/** Trains the pack on the same shared batches; returns the largest relative error against each model trained alone. */
async function sharedBatchError(arch: Architecture, configs: ModelConfig[], batches: HostBatch[]): Promise<number> {
  const packed = pack(arch, configs);
  for (const b of batches) {
    const x = t.tensor(b.x, [b.n, ...arch.inputShape]);
    const losses = await packed.trainStep({ x, labels: b.labels });
    expect(losses.length).toBe(configs.length);
    x.dispose();
  }
  let worst = 0;
  for (let k = 0; k < configs.length; k++) {
    const alone = await trainAlone(arch, configs[k], batches);
    worst = Math.max(worst, maxRelativeError(await packedSlices(packed.network, k, configs.length), alone));
  }
  packed.dispose();
  return worst;
}

function batchesOf(arch: Architecture, count: number, batch: number, classes: number, seed: number): HostBatch[] {
  const size = sizeOf(arch);
  const data = randomData(count, size, classes, seed);
  const out: HostBatch[] = [];
  for (let s = 0; s + batch <= count; s += batch) out.push(rowsOf(data, size, Array.from({ length: batch }, (_, i) => s + i)));
  return out;
}

describe('pack (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('builds models exactly as tensor-gpu does (lenet5, MNIST-FC) from one seed', async () => {
    await t.expectNoLeaks(async () => {
      const pairs: [t.nn.Module, t.nn.Module][] = [
        [buildModel(lenet5Architecture(), 17), t.nn.lenet5({ seed: 17 })],
        [buildModel(mlpArchitecture([784, 100, 50, 10]), 5), t.nn.mnistFc({ seed: 5 })],
      ];
      for (const [a, b] of pairs) {
        const pa = a.parameters();
        const pb = b.parameters();
        expect(pa.length).toBe(pb.length);
        for (let i = 0; i < pa.length; i++) expect(await pa[i].value.data()).toEqual(await pb[i].value.data());
        a.dispose();
        b.dispose();
      }
    });
  });

  it('K SGD models on a shared batch equal each model trained alone (MLP)', async () => {
    await t.expectNoLeaks(async () => {
      const error = await sharedBatchError(mlp, sgdConfigs, batchesOf(mlp, 40, 8, 4, 11));
      expect(error).toBeLessThanOrEqual(TOL);
    });
  });

  it('K SGD models (Nesterov) on a shared batch equal each model trained alone (small CNN)', async () => {
    await t.expectNoLeaks(async () => {
      const configs = sgdConfigs.map((c, i) => ({ ...c, momentum: 0.5 + 0.2 * i, nesterov: true }));
      const error = await sharedBatchError(cnn, configs, batchesOf(cnn, 24, 6, 5, 12));
      expect(error).toBeLessThanOrEqual(TOL);
    });
  });

  it('K Adam models with different lr, betas and weight decay equal each trained alone', async () => {
    await t.expectNoLeaks(async () => {
      const configs: ModelConfig[] = [
        { seed: 4, lr: 0.01, optimizer: 'adam' },
        { seed: 5, lr: 0.003, optimizer: 'adam', beta1: 0.8, beta2: 0.99, weightDecay: 0.001 },
      ];
      expect(await sharedBatchError(mlp, configs, batchesOf(mlp, 32, 8, 4, 13))).toBeLessThanOrEqual(TOL);
      expect(await sharedBatchError(cnn, configs, batchesOf(cnn, 18, 6, 5, 14))).toBeLessThanOrEqual(TOL);
    });
  });

  for (const [name, arch] of [['MLP', mlp], ['small CNN', cnn]] as const) {
    it(`per-model batches ([K, B, ...] input) equal each model trained alone on its own batches (${name})`, async () => {
      await t.expectNoLeaks(async () => {
        const classes = arch === mlp ? 4 : 5;
        const perModel = sgdConfigs.map((_, k) => batchesOf(arch, 24, 8, classes, 20 + k));
        const packed = pack(arch, sgdConfigs);
        for (let s = 0; s < perModel[0].length; s++) {
          const x = t.tensor(Float32Array.from(perModel.flatMap((b) => [...b[s].x])), [3, 8, ...arch.inputShape]);
          const labels = Int32Array.from(perModel.flatMap((b) => [...b[s].labels]));
          (await packed.trainStep({ x, labels })).forEach((l) => expect(Number.isFinite(l)).toBe(true));
          x.dispose();
        }
        for (let k = 0; k < 3; k++) {
          expect(maxRelativeError(await packedSlices(packed.network, k, 3), await trainAlone(arch, sgdConfigs[k], perModel[k]))).toBeLessThanOrEqual(TOL);
        }
        packed.dispose();
      });
    });
  }

  it('batch padding: a model never reads rows past its own batch size (bitwise)', async () => {
    await t.expectNoLeaks(async () => {
      const configs: ModelConfig[] = [
        { seed: 1, lr: 0.1, momentum: 0.9, batchSize: 3 },
        { seed: 2, lr: 0.1, momentum: 0.9, batchSize: 6 },
      ];
      const a = randomData(6, 12, 4, 30);
      const b = { ...a, images: a.images.slice(), labels: a.labels.slice() };
      // Rows 3..5 differ: only model 1 may see them.
      for (let i = 3 * 12; i < 6 * 12; i++) b.images[i] = 5 * Math.sin(i);
      for (let r = 3; r < 6; r++) b.labels[r] = (a.labels[r] + 1) % 4;
      const results: Float32Array[][][] = [];
      for (const data of [a, b]) {
        const packed = pack(mlp, configs);
        for (let s = 0; s < 2; s++) {
          const x = t.tensor(data.images, [6, 12]);
          packed.step({ x, labels: data.labels }).dispose();
          x.dispose();
        }
        results.push([await packedSlices(packed.network, 0, 2), await packedSlices(packed.network, 1, 2)]);
        packed.dispose();
      }
      results[0][0].forEach((v, i) => expect(Array.from(results[1][0][i])).toEqual(Array.from(v)));
      expect(maxRelativeError(results[1][1], results[0][1])).toBeGreaterThan(1e-4);
    });
  });

  it('evaluate gives each model its own accuracy; unpack returns the trained models', async () => {
    await t.expectNoLeaks(async () => {
      const packed = pack(mlp, sgdConfigs);
      for (const b of batchesOf(mlp, 16, 8, 4, 40)) {
        const x = t.tensor(b.x, [b.n, 12]);
        packed.step({ x, labels: b.labels }).dispose();
        x.dispose();
      }
      const test = randomData(50, 12, 4, 41);
      const accuracies = await packed.evaluate(test.images, test.labels, 16);
      const models = packed.unpack();
      for (let k = 0; k < 3; k++) {
        expect(maxRelativeError(await Promise.all(models[k].parameters().map((p) => p.value.data())), await packedSlices(packed.network, k, 3))).toBe(0);
        const logits = t.tidy(() => t.argmax(models[k].forward(t.tensor(test.images, [50, 12])), 1));
        const ids = await logits.data();
        logits.dispose();
        const correct = Array.from(ids).filter((c, i) => c === test.labels[i]).length;
        expect(accuracies[k]).toBeCloseTo(correct / 50, 12);
        models[k].dispose();
      }
      packed.dispose();
    });
  });

  it('rejects bad configs and inputs with messages naming the argument', async () => {
    await t.expectNoLeaks(async () => {
      expect(() => pack(mlp, [])).toThrow(/configs must be a non-empty array/);
      expect(() => pack(mlp, [{ seed: 1, lr: NaN }])).toThrow(/configs\[0\]\.lr must be a finite number/);
      expect(() => pack(mlp, [{ seed: 1.5, lr: 0.1 }])).toThrow(/configs\[0\]\.seed must be an integer/);
      expect(() => pack(mlp, [{ seed: 1, lr: 0.1 }, { seed: 2, lr: 0.1, optimizer: 'adam' }])).toThrow(/configs\[1\]\.optimizer is 'adam'/);
      expect(() => pack(mlp, [{ seed: 1, lr: 0.1, batchSize: 0 }])).toThrow(/configs\[0\]\.batchSize/);
      expect(() => pack({ name: 'bad', inputShape: [3], layers: [{ kind: 'linear', in: 4, out: 2 }] }, [{ seed: 1, lr: 0.1 }])).toThrow(/layers\[0\] \(linear\): expects \[4\]/);
      const packed = pack(mlp, sgdConfigs);
      const x = t.zeros([4, 11]);
      expect(() => packed.step({ x, labels: [0, 1, 2, 3] })).toThrow(/x must be \[B, 12\] \(shared\) or \[3, B, 12\]/);
      const y = t.zeros([4, 12]);
      expect(() => packed.step({ x: y, labels: [0, 1, 2, 9] })).toThrow(/label 9/);
      t.dispose([x, y]);
      packed.dispose();
      expect(() => packed.forward(y)).toThrow(/disposed/);
    });
  });
});
