import { describe, expect, it } from 'vitest';
import { inProcessExecutor } from './executor';
import { hyperband } from './search';
import { workerPoolExecutor } from './worker-pool';
// @ts-expect-error: a plain ES module without types, also loaded by the workers.
import { evaluate } from './fixtures/stub-evaluator.mjs';

const fixture = new URL('./fixtures/stub-evaluator.mjs', import.meta.url);
const space = { lr: [0.0001, 0.001, 0.01, 0.1, 1], momentum: [0, 0.5, 0.9], seed: [1, 2, 3, 4] };

describe('workerPoolExecutor', () => {
  it('gives the same search as the in-process executor, on several threads', async () => {
    const pool = workerPoolExecutor({ module: fixture, workers: 2 });
    try {
      const inWorkers = await hyperband({ R: 9, eta: 3, space, seed: 4, executor: pool, packing: { policy: 'random', packRate: 2 } });
      const inProcess = await hyperband({ R: 9, eta: 3, space, seed: 4, executor: inProcessExecutor(evaluate), packing: { policy: 'random', packRate: 2 } });
      expect(inWorkers.rungs.map((r) => r.trials)).toEqual(inProcess.rungs.map((r) => r.trials));
      expect(inWorkers.best).toEqual(inProcess.best);
    } finally {
      await pool.close();
    }
    const threads = workerPoolExecutor({ module: fixture, exportName: 'whichThread', workers: 2 });
    try {
      const ids = await threads.run(Array.from({ length: 6 }, (_, i) => ({ ids: [i], configs: [{ lr: 0.1, momentum: 0, seed: 1 }], budget: 1, bracket: 0, rung: 0 })));
      expect(new Set(ids.flat()).size).toBe(2);
      expect(ids.flat().every((id) => id > 0)).toBe(true);
    } finally {
      await threads.close();
    }
  });

  it('reports evaluator failures and bad options', async () => {
    const pool = workerPoolExecutor({ module: fixture, exportName: 'fails', workers: 1 });
    try {
      await expect(pool.run([{ ids: [0], configs: [{ lr: 1 }], budget: 1, bracket: 0, rung: 0 }])).rejects.toThrow(/worker evaluator failed: Error: stub failure/);
    } finally {
      await pool.close();
    }
    const missing = workerPoolExecutor({ module: fixture, exportName: 'nothing', workers: 1 });
    try {
      await expect(missing.run([{ ids: [0], configs: [{ lr: 1 }], budget: 1, bracket: 0, rung: 0 }])).rejects.toThrow(/exports no function nothing/);
    } finally {
      await missing.close();
    }
    expect(() => workerPoolExecutor({ module: fixture, workers: 0 })).toThrow(/workers must be a positive integer/);
  });
});
