import { describe, expect, it } from 'vitest';
import { configurationDistance } from '../planner/distance';
import type { PlanOptions } from '../planner/policies';
import { inProcessExecutor, type Evaluator } from './executor';
import { hyperbandSchedule } from './schedule';
import { hyperband, successiveHalving, type SearchResult } from './search';
import { gridSize, sampleConfigurations, type Configuration, type SearchSpace } from './space';

const space: SearchSpace = {
  lr: [0.001, 0.003, 0.01, 0.03, 0.1, 0.3],
  momentum: [0, 0.5, 0.9],
  batchSize: [16, 32, 64, 128],
  optimizer: ['sgd', 'adam'],
  seed: [1, 2, 3, 4, 5],
};

/** A stub "accuracy": a smooth function of the config, rising with the budget, with a config-dependent slope. */
function stubScore(c: Configuration, budget: number): number {
  const lr = Math.log10(c.lr as number);
  const base = 0.9 - 0.05 * (lr + 1.5) ** 2 - 0.02 * Math.abs(Math.log2((c.batchSize as number) / 32)) + 0.01 * (c.momentum as number) + (c.optimizer === 'adam' ? 0.003 : 0) + 0.0001 * (c.seed as number);
  return base + 0.01 * Math.log(1 + budget) * (1 + (c.momentum as number));
}

const evaluator: Evaluator = (configs, budget) => configs.map((c) => stubScore(c, budget));

const policies: Record<string, Omit<PlanOptions<Configuration>, 'seed'>> = {
  none: { policy: 'none' },
  random: { policy: 'random', packRate: 4 },
  bs: { policy: 'bs', batchSizeOf: (c) => c.batchSize as number },
  knn: { policy: 'knn', topk: 3, distance: configurationDistance(space) },
  'knn-by-optimizer': { policy: 'knn', topk: 2, distance: configurationDistance(space), key: (c) => String(c.optimizer) },
  memory: { policy: 'memory', memoryOf: (c) => c.batchSize as number, memoryBudget: 200 },
};

/** Checks every rung against an independent recomputation: sizes from the schedule, survivors the top ⌊n_i/η⌋ by the stub. */
function checkRungs(result: SearchResult, R: number, eta: number): void {
  const schedule = hyperbandSchedule(R, eta);
  const expected = schedule.flatMap((b) => b.rungs.map((r) => ({ s: b.s, ...r })));
  expect(result.rungs.map((r) => [r.bracket, r.trials.length, r.budget])).toEqual(expected.map((e) => [e.s, e.n, e.budget]));
  for (const rung of result.rungs) {
    for (const tr of rung.trials) expect(tr.score).toBe(stubScore(tr.config, rung.budget));
    const ranked = [...rung.trials].sort((a, b) => b.score - a.score || a.id - b.id);
    expect(rung.survivors).toEqual(ranked.slice(0, Math.floor(rung.trials.length / eta)).map((tr) => tr.id));
    expect(rung.packs.flat().sort((a, b) => a - b)).toEqual(rung.trials.map((tr) => tr.id).sort((a, b) => a - b));
  }
}

describe('Hyperband and successive halving with a stub evaluator', () => {
  it('every packing policy keeps the top ⌊n_i/η⌋ and ends on the same best configuration as unpacked Hyperband', async () => {
    const R = 27;
    const eta = 3;
    const results: Record<string, SearchResult> = {};
    for (const [name, packing] of Object.entries(policies)) {
      results[name] = await hyperband({ R, eta, space, seed: 5, executor: inProcessExecutor(evaluator), packing });
      checkRungs(results[name], R, eta);
    }
    const plain = results.none;
    expect(plain.best).not.toBeNull();
    // The best is the highest stub score over all evaluations.
    const all = plain.rungs.flatMap((r) => r.trials.map((tr) => stubScore(tr.config, r.budget)));
    expect(plain.best!.score).toBe(Math.max(...all));
    for (const [name, r] of Object.entries(results)) {
      expect(r.best!.id, name).toBe(plain.best!.id);
      expect(r.best!.config, name).toEqual(plain.best!.config);
      expect(r.rungs.map((x) => x.survivors), name).toEqual(plain.rungs.map((x) => x.survivors));
    }
    // Packed policies really pack: fewer jobs than trainings.
    for (const name of ['random', 'bs', 'knn', 'memory']) expect(results[name].rungs[0].packs.length).toBeLessThan(results[name].rungs[0].trials.length);
    expect(plain.rungs[0].packs.every((p) => p.length === 1)).toBe(true);
    expect(plain.trainings).toBe(results.knn.trainings);
  });

  it('scores stay paired with their configuration when an evaluator sees packs in a different order', async () => {
    // bs packs group configs out of sample order; a position-based mapping would mix scores up.
    const r = await hyperband({ R: 9, eta: 3, space, seed: 2, executor: inProcessExecutor(evaluator), packing: policies.bs });
    for (const rung of r.rungs) for (const tr of rung.trials) expect(tr.score).toBe(stubScore(tr.config, rung.budget));
    expect(r.rungs.some((rung) => rung.packs.some((p, i) => i > 0 && p[0] < rung.packs[i - 1][rung.packs[i - 1].length - 1]))).toBe(true);
  });

  it("'reference' selection reproduces the reference's bug: it keeps the worst", async () => {
    const configs = sampleConfigurations(space, 9, 3);
    const top = await successiveHalving(configs, [1, 3], { executor: inProcessExecutor(evaluator) });
    const bug = await successiveHalving(configs, [1, 3], { executor: inProcessExecutor(evaluator), selection: 'reference' });
    const scores = configs.map((c) => stubScore(c, 1));
    const order = scores.map((s, i) => [s, i]).sort((a, b) => b[0] - a[0]).map(([, i]) => i);
    expect(top.rungs[0].survivors).toEqual(order.slice(0, 3));
    expect(bug.rungs[0].survivors).toEqual(order.slice(-3).reverse());
  });

  it('samples the same configurations from the same seed, distinct within a bracket', async () => {
    const a = await hyperband({ R: 9, eta: 3, space, seed: 11, executor: inProcessExecutor(evaluator) });
    const b = await hyperband({ R: 9, eta: 3, space, seed: 11, executor: inProcessExecutor(evaluator), packing: policies.knn });
    const c = await hyperband({ R: 9, eta: 3, space, seed: 12, executor: inProcessExecutor(evaluator) });
    const first = (r: SearchResult) => r.rungs.filter((x) => x.rung === 0).map((x) => x.trials.map((tr) => JSON.stringify(tr.config)));
    expect(first(b)).toEqual(first(a));
    expect(first(c)).not.toEqual(first(a));
    for (const bracket of first(a)) expect(new Set(bracket).size).toBe(bracket.length);
    expect(gridSize(space)).toBe(6 * 3 * 4 * 2 * 5);
    expect(() => sampleConfigurations({ lr: [1, 2] }, 3, 1)).toThrow(/2 grid points; cannot sample 3/);
    expect(sampleConfigurations({ lr: [1, 2, 3] }, 3, 1).map((c) => c.lr).sort()).toEqual([1, 2, 3]);
  });

  it('rejects bad options and bad evaluator answers', async () => {
    await expect(hyperband({ R: 9, eta: 3, space, seed: 1, executor: undefined as never })).rejects.toThrow(/executor must be a TrialExecutor/);
    await expect(hyperband({ R: 9, eta: 1, space, seed: 1, executor: inProcessExecutor(evaluator) })).rejects.toThrow(/eta must be an integer ≥ 2/);
    await expect(hyperband({ R: 9, space: { lr: [] }, seed: 1, executor: inProcessExecutor(evaluator) })).rejects.toThrow(/space.lr must be a non-empty array/);
    await expect(hyperband({ R: 9, space, seed: 1, executor: inProcessExecutor(() => [1, 2]) })).rejects.toThrow(/expected 1 scores/);
    await expect(successiveHalving([], [1], { executor: inProcessExecutor(evaluator) })).rejects.toThrow(/configs must be a non-empty array/);
  });
});
