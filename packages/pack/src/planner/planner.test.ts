import { describe, expect, it } from 'vitest';
import { lenet5Architecture, mlpArchitecture, parameterCount } from '../model/architecture';
import { fusionKey, samePaddingKey, type ModelConfig } from '../model/config';
import { sampleConfigurations, type Configuration, type SearchSpace } from '../hyperband/space';
import { configurationDistance } from './distance';
import { estimateMemory, maxPackSize } from './memory';
import { planPacks, type PackingPolicy } from './policies';

const space: SearchSpace = { batchSize: [32, 64, 128], lr: [0.001, 0.01, 0.1, 1], optimizer: ['sgd', 'adam'], seed: [1, 2, 3, 4, 5, 6] };
const configs = sampleConfigurations(space, 40, 7);
const arch = mlpArchitecture([784, 256, 10]);
const asModel = (c: Configuration): ModelConfig => ({ seed: c.seed as number, lr: c.lr as number, optimizer: c.optimizer as 'sgd' | 'adam', batchSize: c.batchSize as number, momentum: 0.9 });
const memoryOf = (c: Configuration) => estimateMemory(arch, asModel(c)).total;

function expectPartition(packs: number[][], n: number): void {
  expect(packs.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
}

describe('memory estimate', () => {
  it('counts parameters, gradients, optimiser state and activations (hand-computed for the 784-256-10 MLP)', () => {
    const p = 784 * 256 + 256 + 256 * 10 + 10;
    expect(parameterCount(arch)).toBe(p);
    // Per sample: input 784, Linear 256, ReLU 256, Linear 10; values and their gradients.
    const activations = 2 * 64 * (784 + 256 + 256 + 10) * 4;
    expect(estimateMemory(arch, { seed: 1, lr: 0.1, batchSize: 64 })).toEqual({ parameters: 4 * p, gradients: 4 * p, optimizerState: 0, activations, total: 8 * p + activations });
    expect(estimateMemory(arch, { seed: 1, lr: 0.1, momentum: 0.9, batchSize: 64 }).optimizerState).toBe(4 * p);
    expect(estimateMemory(arch, { seed: 1, lr: 0.1, optimizer: 'adam' }, { batchSize: 64 }).optimizerState).toBe(8 * p);
    expect(parameterCount(lenet5Architecture())).toBe(61_706);
    const one = estimateMemory(arch, { seed: 1, lr: 0.1, batchSize: 64 }).total;
    expect(maxPackSize(arch, { seed: 1, lr: 0.1, batchSize: 64 }, 5 * one + 1)).toBe(5);
    expect(() => estimateMemory(arch, { seed: 1, lr: 0.1 })).toThrow(/batch size is needed/);
  });
});

describe('planPacks', () => {
  const distance = configurationDistance(space);
  const budget = 3.5 * memoryOf({ batchSize: 128, lr: 0.1, optimizer: 'adam', seed: 1 });
  const all: Record<string, Parameters<typeof planPacks<Configuration>>[1]> = {
    none: { policy: 'none' },
    random: { policy: 'random', packRate: 5, memoryOf, memoryBudget: budget },
    bs: { policy: 'bs', batchSizeOf: (c) => c.batchSize as number, memoryOf, memoryBudget: budget },
    knn: { policy: 'knn', topk: 3, distance, memoryOf, memoryBudget: budget, seed: 3 },
    memory: { policy: 'memory', memoryOf, memoryBudget: budget, maxPackSize: 6 },
  };

  for (const [name, options] of Object.entries(all)) {
    it(`${name}: every config in exactly one pack, packs within the budget, deterministic`, () => {
      const packs = planPacks(configs, options);
      expectPartition(packs, configs.length);
      for (const p of packs) expect(p.reduce((s, i) => s + memoryOf(configs[i]), 0)).toBeLessThanOrEqual(budget);
      expect(planPacks(configs, options)).toEqual(packs);
      if (name !== 'none') expect(packs.length).toBeLessThan(configs.length);
    });
  }

  it('random: consecutive chunks of packRate without a budget', () => {
    expect(planPacks([0, 1, 2, 3, 4, 5, 6], { policy: 'random', packRate: 3 })).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  it('bs: one pack per batch size, uncapped without a budget', () => {
    const packs = planPacks(configs, { policy: 'bs', batchSizeOf: (c) => c.batchSize as number });
    expect(packs.length).toBe(new Set(configs.map((c) => c.batchSize)).size);
    for (const p of packs) expect(new Set(p.map((i) => configs[i].batchSize)).size).toBe(1);
  });

  it('knn: packs of at most topk + 1 nearest neighbours, seed-dependent and reproducible', () => {
    const a = planPacks(configs, { policy: 'knn', topk: 3, distance, seed: 1 });
    expect(a.every((p) => p.length <= 4)).toBe(true);
    expect(a.filter((p) => p.length === 4).length).toBe(Math.floor(configs.length / 4));
    expect(planPacks(configs, { policy: 'knn', topk: 3, distance, seed: 1 })).toEqual(a);
    expect(planPacks(configs, { policy: 'knn', topk: 3, distance, seed: 2 })).not.toEqual(a);
    // Neighbours are near: a pack's mean pairwise distance is below the mean over all pairs.
    const mean = (pairs: [number, number][]) => pairs.reduce((s, [i, j]) => s + distance(configs[i], configs[j]), 0) / pairs.length;
    const within = a.flatMap((p) => p.flatMap((i, x) => p.slice(x + 1).map((j) => [i, j] as [number, number])));
    const every = configs.flatMap((_, i) => configs.slice(i + 1).map((__, d) => [i, i + 1 + d] as [number, number]));
    expect(mean(within)).toBeLessThan(mean(every));
  });

  it('knn distance: L1 over value positions for numbers, 1 for a different category', () => {
    expect(distance({ batchSize: 32, lr: 0.001, optimizer: 'sgd', seed: 1 }, { batchSize: 128, lr: 0.01, optimizer: 'adam', seed: 1 })).toBe(2 + 1 + 1);
    expect(configurationDistance(space, ['lr'])({ lr: 0.001 }, { lr: 1 })).toBe(3);
  });

  it('key: configurations that cannot share a fused update never share a pack', () => {
    const key = (c: Configuration) => fusionKey(asModel(c));
    for (const policy of ['random', 'knn', 'memory'] as PackingPolicy[]) {
      const packs = planPacks(configs, { policy, key, packRate: 8, topk: 5, distance, memoryOf, memoryBudget: 10 * budget });
      expectPartition(packs, configs.length);
      for (const p of packs) expect(new Set(p.map((i) => configs[i].optimizer)).size).toBe(1);
    }
    const padFree = planPacks(configs, { policy: 'knn', topk: 3, distance, key: (c) => samePaddingKey(asModel(c)) });
    expectPartition(padFree, configs.length);
    for (const p of padFree) expect(new Set(p.map((i) => `${configs[i].optimizer} ${configs[i].batchSize}`)).size).toBe(1);
    expect(samePaddingKey({ seed: 1, lr: 0.1, batchSize: 32 })).toBe(samePaddingKey({ seed: 2, lr: 0.3, momentum: 0.9, batchSize: 32 }));
    expect(samePaddingKey({ seed: 1, lr: 0.1, batchSize: 32 })).not.toBe(samePaddingKey({ seed: 1, lr: 0.1, batchSize: 64 }));
  });

  it('rejects bad options', () => {
    expect(() => planPacks(configs, { policy: 'nope' as 'none' })).toThrow(/options.policy must be one of/);
    expect(() => planPacks(configs, { policy: 'memory' })).toThrow(/memoryOf is required/);
    expect(() => planPacks(configs, { policy: 'knn' })).toThrow(/needs options.distance/);
    expect(() => planPacks(configs, { policy: 'random', memoryOf, memoryBudget: 10 })).toThrow(/configs\[0\] needs \d+ bytes, more than the memory budget 10/);
    expect(() => planPacks(configs, { policy: 'random', packRate: 0 })).toThrow(/packRate must be a positive integer/);
  });
});
