import { describe, expect, it } from 'vitest';
import { createLayout } from '../layout/layout';
import { LcaRun } from '../run';
import { blobs } from '../testing/synthetic.test-helper';
import { mlpEntries, mlpOracle, trainMlp64 } from '../testing/mlp64.test-helper';
import { sumAll, sumByLayer, sumByTensor, sumByUnit } from './sums';
import { conservationError, cumulativeError, lossReconstruction, meanFractionHelping } from './derived';

describe('aggregation identities', () => {
  it('per iteration: Σ over layers = Σ over tensors = Σ over parameters = Σ over units (to 1e-9)', async () => {
    const widths = [20, 32, 16, 3];
    const data = blobs(300, 20, 3, 3);
    const thetas = trainMlp64(widths, data, { lr: 0.05, momentum: 0.9, batchSize: 50, steps: 12, seed: 4 });
    const layout = createLayout(mlpEntries(widths));
    const run = new LcaRun(layout, mlpOracle(widths, data), { quadrature: 'simpson', keep: { full: true } });
    await run.start(thetas[0]);
    for (const th of thetas.slice(1)) {
      const it = await run.step(th);
      const a = it.splits.train.lca;
      const p = sumAll(a);
      expect(Math.abs(sumAll(sumByLayer(a, layout)) - p)).toBeLessThan(1e-9);
      expect(Math.abs(sumAll(sumByTensor(a, layout)) - p)).toBeLessThan(1e-9);
      expect(Math.abs(sumAll(sumByUnit(a, layout)) - p)).toBeLessThan(1e-9);
    }
    const r = run.result();
    expect(r.iterations).toBe(12);
    for (let t = 0; t < r.iterations; t++) {
      const layers = r.layers.reduce((s, l) => s + l.series![t], 0);
      const units = r.units.reduce((s, u) => s + u.series![t], 0);
      const tensors = r.tensors.reduce((s, x) => s + x.series![t], 0);
      const full = sumAll(r.full![t]);
      for (const v of [layers, units, tensors, full]) expect(Math.abs(v - r.lcaPerIteration[t])).toBeLessThan(1e-9);
    }
    // Totals over iterations agree the same way, and helped + hurt = total per layer.
    const totalFromParams = sumAll(r.parameterTotals!);
    expect(Math.abs(r.layers.reduce((s, l) => s + l.total, 0) - totalFromParams)).toBeLessThan(1e-9);
    expect(Math.abs(r.units.reduce((s, u) => s + u.total, 0) - totalFromParams)).toBeLessThan(1e-9);
    for (const l of r.layers) expect(Math.abs(l.helped + l.hurt - l.total)).toBeLessThan(1e-9);
    // Units: 32 + 16 + 3 neurons, each its kernel row plus its bias.
    expect(r.units.map((u) => u.parameters)).toEqual([...Array(32).fill(21), ...Array(16).fill(33), ...Array(3).fill(17)]);
    // Derived views.
    const hat = lossReconstruction(r);
    expect(hat[0]).toBe(r.losses[0]);
    expect(cumulativeError(r)[r.iterations]).toBeCloseTo(r.losses[r.iterations] - hat[r.iterations], 15);
    expect(conservationError(r)).toBeLessThan(0.01);
    const f = meanFractionHelping(r);
    expect(f).toBeGreaterThan(0.3);
    expect(f).toBeLessThan(0.8);
  });
});
