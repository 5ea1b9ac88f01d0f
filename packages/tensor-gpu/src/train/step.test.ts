import { beforeAll, describe, expect, it } from 'vitest';
import * as t from '../index';
import { Sequential } from '../nn/containers';
import { Linear } from '../nn/linear';
import { sgd } from '../optim/sgd';
import { lossAndGrads, trainStep } from './step';

/** float64 loss of a Linear layer applied twice (tied weights): mean((W(Wx+b)+b)²). */
function tiedLoss(w: number[], b: number[], x: number[][]): number {
  let total = 0;
  for (const row of x) {
    const h = [0, 1].map((i) => w[2 * i] * row[0] + w[2 * i + 1] * row[1] + b[i]);
    for (let i = 0; i < 2; i++) total += (w[2 * i] * h[0] + w[2 * i + 1] * h[1] + b[i]) ** 2;
  }
  return total / (2 * x.length);
}

/** Central finite differences of `f` at `p`. */
function numericGrad(f: (p: number[]) => number, p: number[], h = 1e-6): number[] {
  return p.map((_, i) => {
    const up = [...p];
    const down = [...p];
    up[i] += h;
    down[i] -= h;
    return (f(up) - f(down)) / (2 * h);
  });
}

const meanSquare: t.train.LossFunction = (output) => t.mean(t.square(output));

describe('trainStep, lossAndGrads and trainableParameters (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('a weight shared by two layers is listed once and gets one gradient (finite differences in float64)', async () => {
    await t.expectNoLeaks(async () => {
      const layer = new Linear(2, 2, { seed: 5 });
      const model = new Sequential(layer, layer);
      expect(model.parameters()).toHaveLength(4);
      expect(model.trainableParameters()).toEqual([layer.weight, layer.bias]);
      const xs = [[0.5, -1], [2, 0.25], [-1.5, 1]];
      const x = t.tensor(xs);
      const w = Array.from(await layer.weight.value.data());
      const b = Array.from(await layer.bias!.value.data());
      const { loss, parameters, grads } = lossAndGrads(model, x, new Int32Array(3), { loss: meanSquare });
      expect(parameters).toEqual([layer.weight, layer.bias]);
      expect((await loss.data())[0]).toBeCloseTo(tiedLoss(w, b, xs), 5);
      const gw = numericGrad((p) => tiedLoss(p, b, xs), w);
      const gb = numericGrad((p) => tiedLoss(w, p, xs), b);
      Array.from(await grads[0].data()).forEach((v, i) => expect(v).toBeCloseTo(gw[i], 4));
      Array.from(await grads[1].data()).forEach((v, i) => expect(v).toBeCloseTo(gb[i], 4));
      t.dispose([x, loss, ...grads]);
      model.dispose();
    });
  });

  it('trainStep applies the optimizer to the trainable parameters only and returns the batch loss', async () => {
    await t.expectNoLeaks(async () => {
      const first = new Linear(2, 2, { seed: 1 });
      const second = new Linear(2, 3, { seed: 2 });
      second.bias!.trainable = false;
      const model = new Sequential(first, second);
      const x = t.tensor([[1, 2], [-0.5, 0.5]]);
      const labels = Int32Array.from([2, 0]);
      const { loss: expectedLoss, parameters, grads } = lossAndGrads(model, x, labels);
      expect(parameters).not.toContain(second.bias);
      const before = await Promise.all(parameters.map((p) => p.value.data()));
      const frozen = await second.bias!.value.data();
      const expected = await Promise.all(grads.map((g) => g.data()));
      const optimizer = sgd({ lr: 0.25 });
      const loss = trainStep(model, x, labels, { optimizer });
      expect((await loss.data())[0]).toBeCloseTo((await expectedLoss.data())[0], 6);
      for (const [i, p] of parameters.entries()) {
        const after = await p.value.data();
        after.forEach((v, j) => expect(v).toBeCloseTo(before[i][j] - 0.25 * expected[i][j], 6));
      }
      expect(Array.from(await second.bias!.value.data())).toEqual(Array.from(frozen));
      t.dispose([x, loss, expectedLoss, ...grads]);
      optimizer.dispose();
      model.dispose();
    });
  });

  it('rejects a missing optimizer, non-Int32Array labels, a non-scalar loss and a model without trainable parameters', () => {
    const model = new Linear(2, 2, { seed: 3 });
    const x = t.tensor([[1, 2]]);
    expect(() => trainStep(model, x, new Int32Array(1), {} as never)).toThrow(/trainStep: options.optimizer must be an Optimizer/);
    expect(() => lossAndGrads(model, x, [0] as never)).toThrow(/lossAndGrads: labels must be an Int32Array/);
    expect(() => lossAndGrads(model, x, new Int32Array(1), { loss: (o) => o })).toThrow(/the loss must be a scalar, got shape \[1,2\]/);
    // A failing optimizer leaves nothing behind: the loss and the gradients are freed.
    const before = t.memory().numTensors;
    const failing = { step: () => { throw new Error('no update'); }, dispose: () => undefined };
    expect(() => trainStep(model, x, new Int32Array(1), { optimizer: failing })).toThrow('no update');
    expect(t.memory().numTensors).toBe(before);
    for (const p of model.parameters()) p.trainable = false;
    expect(() => lossAndGrads(model, x, new Int32Array(1))).toThrow(/the model has no trainable parameters/);
    x.dispose();
    model.dispose();
  });
});
