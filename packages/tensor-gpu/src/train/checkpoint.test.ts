import { beforeAll, describe, expect, it } from 'vitest';
import * as t from '../index';

describe('training checkpoints', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  const make = () => new t.nn.Sequential(new t.nn.Linear(6, 5, { seed: 1 }), new t.nn.BatchNorm1d(5), new t.nn.Tanh(), new t.nn.Linear(5, 3, { seed: 2 }));

  it('resumes SGD with momentum and BatchNorm statistics bit for bit through the .nnlb encoding, with the counters', async () => {
    await t.expectNoLeaks(async () => {
      const x = t.rand([4, 6], { seed: 3 });
      const y = Int32Array.from([0, 1, 2, 1]);
      const step = (m: t.nn.Module, o: t.optim.Optimizer) => t.train.trainStep(m, x, y, { optimizer: o }).dispose();
      const straight = make();
      const optimizer = t.optim.sgd({ lr: 0.1, momentum: 0.9 });
      for (let i = 0; i < 3; i++) step(straight, optimizer);
      const bytes = t.nn.encodeStateDict(await t.train.checkpointStateDict({ model: straight, optimizer, meta: { epochsDone: 3, stepsDone: 12 } }));
      for (let i = 0; i < 3; i++) step(straight, optimizer);

      const resumed = make();
      const resumedOptimizer = t.optim.sgd({ lr: 0.1, momentum: 0.9 });
      expect(t.train.restoreCheckpoint(t.nn.decodeStateDict(bytes, 'test'), resumed, resumedOptimizer)).toEqual({ epochsDone: 3, stepsDone: 12 });
      for (let i = 0; i < 3; i++) step(resumed, resumedOptimizer);
      const a = await t.nn.stateDict(straight);
      const b = await t.nn.stateDict(resumed);
      expect(Object.keys(b)).toEqual(Object.keys(a));
      for (const name of Object.keys(a)) expect(Array.from(b[name].data), name).toEqual(Array.from(a[name].data));
      for (const m of [straight, resumed]) m.dispose();
      optimizer.dispose();
      resumedOptimizer.dispose();
      x.dispose();
    });
  });

  it('rejects counters float32 cannot hold and a checkpoint of another model', async () => {
    await t.expectNoLeaks(async () => {
      const model = make();
      const optimizer = t.optim.sgd({ lr: 0.1, momentum: 0.9 });
      await expect(t.train.checkpointStateDict({ model, optimizer, meta: { loss: 0.1 } })).rejects.toThrow('checkpointStateDict: meta.loss must be an integer within ±2^24 (a counter), got 0.1');
      await expect(t.train.checkpointStateDict({ model, optimizer, meta: { steps: 2 ** 24 + 1 } })).rejects.toThrow('meta.steps must be an integer within ±2^24');
      const other = new t.nn.Sequential(new t.nn.Linear(6, 4, { seed: 1 }));
      const dict = await t.train.checkpointStateDict({ model: other, optimizer, meta: {} });
      expect(() => t.train.restoreCheckpoint(dict, model, optimizer)).toThrow(/loadStateDict/);
      for (const m of [model, other]) m.dispose();
      optimizer.dispose();
    });
  });
});
