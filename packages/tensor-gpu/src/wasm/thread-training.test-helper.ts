import { expect } from 'vitest';
import { defaultEngine } from '../default-engine';
import type { Module } from '../nn/module';
import { tensor } from '../ops/creation';
import type { Optimizer } from '../optim/optimizer';
import { trainStep } from '../train/step';

/**
 * Trains a fresh model for `steps` steps on one batch with the default engine's cpu backend on 1 and
 * then on 2 threads, and expects bit-identical weights; the thread count returns to 'auto' afterwards.
 */
export async function expectSameWeightsOnOneAndTwoThreads(
  makeModel: () => Module,
  makeOptimizer: () => Optimizer,
  batch: { x: Float32Array; shape: number[]; labels: Int32Array },
  steps = 3,
): Promise<void> {
  const train = async (threads: number): Promise<Float32Array[]> => {
    await defaultEngine.setBackend('cpu', { threads });
    expect(defaultEngine.getCpuThreads()).toBe(threads);
    const model = makeModel();
    const optimizer = makeOptimizer();
    const input = tensor(defaultEngine, batch.x, batch.shape);
    for (let step = 0; step < steps; step++) trainStep(model, input, batch.labels, { optimizer }).dispose();
    const weights = await Promise.all(model.parameters().map((p) => p.value.data()));
    input.dispose();
    optimizer.dispose();
    model.dispose();
    return weights;
  };
  try {
    const one = await train(1);
    const two = await train(2);
    expect(two.length).toBe(one.length);
    for (let i = 0; i < one.length; i++) expect(two[i]).toEqual(one[i]);
  } finally {
    await defaultEngine.setBackend('cpu', { threads: 'auto' });
  }
}
