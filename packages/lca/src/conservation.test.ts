import * as t from '@nnlab/tensor-gpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conservationError, meanFractionHelping, pieceCounts } from './aggregate/derived';
import { OnlineLca } from './online';
import { allocateTrajectory } from './offline';
import { moduleOracle } from './oracle/module-oracle';
import { blobs } from './testing/synthetic.test-helper';
import { mlp } from './testing/models.test-helper';
import { makeTrainer } from './testing/sgd.test-helper';
import { MemoryTrajectory } from './trajectory/memory';

// The reference's numerical check, on tensor-gpu's cpu backend (float32 model, float64 LCA):
// 2000 samples, 20 features, 3 classes, MLP 20-32-16-3, SGD momentum 0.9, batch 50,
// LCA gradients on all 2000 samples.
const widths = [20, 32, 16, 3];
const STEPS = 100;

describe('conservation: MLP, SGD momentum 0.9, full-batch LCA gradients (cpu)', () => {
  const data = blobs(2000, 20, 3, 11);
  let model: t.nn.Sequential;
  let trajectory: MemoryTrajectory;
  let online: OnlineLca;

  beforeAll(async () => {
    await t.setBackend('cpu');
    model = mlp(widths, 5);
    const trainer = makeTrainer(model, data, { lr: 0.1, momentum: 0.9, batchSize: 50, seed: 6 });
    const params = model.namedParameters();
    trajectory = new MemoryTrajectory(params.map(([name, p]) => ({ name, shape: p.value.shape, unitAxis: p.unitAxis })));
    online = await OnlineLca.create(model, { data, chunkSize: 2000, quadrature: 'simpson', trajectory, keep: { full: true } });
    const step = online.wrap(trainer.step);
    for (let s = 0; s < STEPS; s++) await step();
    trainer.dispose();
  });

  afterAll(() => {
    online?.dispose();
    model?.dispose();
  });

  it('Simpson conserves the loss change to < 0.5%; first order is at least 10× worse', async () => {
    const simpson = online.result();
    const oracle = moduleOracle(model, { data, chunkSize: 2000 });
    const first = (await allocateTrajectory(trajectory, oracle, { quadrature: 'first-order' })).result();
    const adaptive = (await allocateTrajectory(trajectory, oracle, { quadrature: 'simpson-adaptive' })).result();
    oracle.dispose();
    const eS = conservationError(simpson);
    const eF = conservationError(first);
    const eA = conservationError(adaptive);
    console.log(
      `lr 0.1, ${STEPS} steps: ΔL = ${(simpson.losses[STEPS] - simpson.losses[0]).toFixed(4)}; relative error Simpson ${(100 * eS).toFixed(4)}%, ` +
        `adaptive ${(100 * eA).toFixed(4)}% (pieces ${JSON.stringify(pieceCounts(adaptive))}), first order ${(100 * eF).toFixed(2)}% ` +
        `(${(eF / eS).toFixed(0)}×); fraction helping ${meanFractionHelping(simpson).toFixed(3)} (all P), ${meanFractionHelping(simpson, 'moved').toFixed(3)} (moved)`,
    );
    expect(eS).toBeLessThan(0.005);
    expect(eF).toBeGreaterThanOrEqual(10 * eS);
    expect(eA).toBeLessThanOrEqual(eS * 1.0001 + 1e-6);
    for (let i = 0; i < adaptive.iterations; i++) expect(Math.abs(adaptive.errors[i]) <= 1e-3 || adaptive.pieces[i] === 32).toBe(true);
  });

  it('online and offline runs of the same trajectory give bit-identical A', async () => {
    const oracle = moduleOracle(model, { data, chunkSize: 2000 });
    const offline = (await allocateTrajectory(trajectory, oracle, { quadrature: 'simpson', keep: { full: true } })).result();
    oracle.dispose();
    const on = online.result();
    expect(offline.iterations).toBe(on.iterations);
    for (let i = 0; i < on.iterations; i++) expect(offline.full![i]).toEqual(on.full![i]);
    expect(offline.losses).toEqual(on.losses);
    expect(offline.parameterTotals).toEqual(on.parameterTotals);
  });
});
