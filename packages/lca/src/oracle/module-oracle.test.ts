import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { moduleLayout, readParameters } from '../layout/module';
import { blobs } from '../testing/synthetic.test-helper';
import { mlpOracle } from '../testing/mlp64.test-helper';
import { mlp } from '../testing/models.test-helper';
import { withL2 } from './l2';
import { moduleOracle } from './module-oracle';

const data = blobs(200, 6, 3, 31);

describe('moduleOracle (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('matches the float64 reference and leaves the model as it was', async () => {
    const model = mlp([6, 10, 3], 4);
    const theta = await readParameters(moduleLayout(model));
    const shifted = Float64Array.from(theta, (v, i) => v + 0.01 * Math.sin(i));
    await t.expectNoLeaks(async () => {
      const oracle = moduleOracle(model, { data, chunkSize: 64 });
      const got = await oracle(shifted);
      const want = await mlpOracle([6, 10, 3], data)(shifted);
      expect(Math.abs(got.loss - want.loss) / want.loss).toBeLessThan(1e-5);
      const scale = Math.max(...want.grad.map(Math.abs));
      got.grad.forEach((g, i) => expect(Math.abs(g - want.grad[i])).toBeLessThan(1e-5 * scale));
      expect(oracle.calls).toBe(1);
      expect(oracle.plan.sizes).toEqual([64, 64, 64, 8]);
      oracle.dispose();
    });
    expect(await readParameters(moduleLayout(model))).toEqual(theta);
    expect(model.training).toBe(true);
    model.dispose();
  });

  it('evaluates with dropout off and restores the training flags', async () => {
    const plain = mlp([6, 10, 3], 4);
    const withDropout = new t.nn.Sequential(...(plain.layers.slice(0, 2) as t.nn.Module[]), new t.nn.Dropout(0.5, { seed: 1 }), plain.layers[2]);
    const theta = await readParameters(moduleLayout(plain));
    const a = moduleOracle(plain, { data });
    const b = moduleOracle(withDropout, { data });
    const [ra, rb] = [await a(theta), await b(theta)];
    expect(rb.loss).toBe(ra.loss);
    expect(rb.grad).toEqual(ra.grad);
    expect(withDropout.layers[2].training).toBe(true);
    a.dispose();
    b.dispose();
    plain.dispose();
  });

  it("BatchNorm: 'train' uses per-chunk statistics, 'eval' the running ones; running statistics are restored", async () => {
    const model = new t.nn.Sequential(new t.nn.Linear(6, 8, { seed: 1 }), new t.nn.BatchNorm1d(8), new t.nn.ReLU(), new t.nn.Linear(8, 3, { seed: 2 }));
    const theta = await readParameters(moduleLayout(model));
    const bn = model.layers[1] as t.nn.BatchNorm1d;
    const before = [await bn.runningMean.value.data(), await bn.runningVar.value.data()];
    await t.expectNoLeaks(async () => {
      const losses: Record<string, number> = {};
      for (const bnMode of ['train', 'eval'] as const) {
        for (const chunkSize of [200, 50]) {
          const o = moduleOracle(model, { data, chunkSize, bnMode });
          losses[`${bnMode}${chunkSize}`] = (await o(theta)).loss;
          o.dispose();
        }
      }
      expect(losses.train200).not.toBe(losses.train50);
      expect(Math.abs(losses.eval200 - losses.eval50)).toBeLessThan(1e-6);
      expect(losses.train200).not.toBeCloseTo(losses.eval200, 3);
    });
    expect(await bn.runningMean.value.data()).toEqual(before[0]);
    expect(await bn.runningVar.value.data()).toEqual(before[1]);
    expect(bn.training).toBe(true);
    model.dispose();
  });

  it('withL2 adds (λ/2)‖θ‖² to the loss and λθ to the gradient', async () => {
    const base = async (theta: Float64Array) => ({ loss: 1, grad: new Float64Array(theta.length) });
    const r = await withL2(base, 0.1)(Float64Array.of(1, 2));
    expect(r.loss).toBeCloseTo(1 + 0.05 * 5, 15);
    expect(Array.from(r.grad)).toEqual([0.1, 0.2]);
  });
});
