import { beforeAll, describe, expect, it } from 'vitest';
import * as t from '../index';
import { Parameter } from '../nn/parameter';
import { adam } from './adam';
import type { Optimizer } from './optimizer';
import { sgd } from './sgd';
import { stepLr } from './schedules';

/** A tiny regression model: loss = mean((x·wᵀ + b − y)²). */
function setup() {
  const w = new Parameter(t.randn([3, 4], { seed: 1 }), 'weight');
  const b = new Parameter(t.zeros([3]), 'bias');
  const x = t.randn([8, 4], { seed: 2 });
  const y = t.randn([8, 3], { seed: 3 });
  const loss = () => t.mean(t.square(t.sub(t.add(t.matmul(x, t.transpose(w.value)), b.value), y)));
  return { params: [w, b], loss, dispose: () => t.dispose([w.value, b.value, x, y]) };
}

async function trainSteps(make: () => Optimizer): Promise<void> {
  const { params, loss, dispose } = setup();
  const opt = make();
  const lossGrad = t.valueAndGrad((..._ws: t.Tensor[]) => loss());
  const step = () => t.tidy(() => {
    const { grads } = lossGrad(...params.map((p) => p.value));
    opt.step(params, grads);
  });
  const first = t.tidy(() => t.keep(loss()));
  step();
  const after1 = t.memory();
  for (let i = 1; i < 50; i++) {
    step();
    const m = t.memory();
    expect(m.numKernels, `kernels compiled at step ${i + 1}`).toBe(after1.numKernels);
    expect(m.numTensors, `live tensors at step ${i + 1}`).toBe(after1.numTensors);
    expect(m.numBytes, `live bytes at step ${i + 1}`).toBe(after1.numBytes);
  }
  const last = t.tidy(loss);
  expect((await last.data())[0]).toBeLessThan((await first.data())[0]);
  t.dispose([first, last]);
  opt.dispose();
  dispose();
}

describe('optimizers in a training loop (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('SGD with Nesterov momentum and a schedule: no kernel compiled after the first step, flat memory over 50 steps', async () => {
    await t.expectNoLeaks(() => trainSteps(() => sgd({ lr: stepLr(0.05, { stepSize: 7, gamma: 0.8 }), momentum: 0.9, nesterov: true, weightDecay: 1e-3 })));
  });

  it('Adam: no kernel compiled after the first step, flat memory over 50 steps', async () => {
    await t.expectNoLeaks(() => trainSteps(() => adam({ lr: 0.01, weightDecay: 1e-3 })));
  });

  it('plain SGD: one kernel per parameter size, nothing new after the first step', async () => {
    await t.expectNoLeaks(() => trainSteps(() => sgd({ lr: 0.05 })));
  });
});
