import { beforeAll, describe, expect, it } from 'vitest';
import * as t from '../index';
import type { Module } from '../nn/module';
import { PackedLinear } from '../nn/packed';
import { loadStateDict, stateDict, type StateDict } from '../nn/state';
import { decodeStateDict, encodeStateDict } from '../nn/state-format';
import { trainStep } from '../train/step';
import { blobs, smallMlp } from '../train/synthetic.test-helper';
import type { Optimizer } from './optimizer';

const DATA = blobs(64, 3, 5);
const BATCH = 16;

/** One training step of the MLP on batch `step` of the blobs (the same batch for the same step in every run). */
function mlpStep(model: Module, optimizer: Optimizer, step: number): void {
  const start = (step * BATCH) % DATA.count;
  const labels = Int32Array.from(DATA.labels.subarray(start, start + BATCH));
  const x = t.tensor(DATA.images.slice(start * 2, (start + BATCH) * 2), [BATCH, 2]);
  trainStep(model, x, labels, { optimizer }).dispose();
  x.dispose();
}

/** A step of a packed model with gradients `w ⊙ a + b` (a, b seeded by the step), so they depend on the current values. */
function packedStep(model: Module, optimizer: Optimizer, step: number): void {
  const params = model.trainableParameters();
  const grads = t.tidy(() => params.map((p, i) => t.add(t.mul(p.value, t.rand(p.value.shape, { seed: 100 * step + i })), t.randn(p.value.shape, { seed: 7 + 100 * step + i }))));
  optimizer.step(params, grads);
  t.dispose(grads);
}

interface ResumeCase {
  title: string;
  model(seed: number): Module;
  optimizer(): Optimizer;
  step(model: Module, optimizer: Optimizer, step: number): void;
}

const CASES: ResumeCase[] = [
  { title: 'sgd with a step schedule', model: (s) => smallMlp(3, s), optimizer: () => t.optim.sgd({ lr: t.optim.stepLr(0.2, { stepSize: 4, gamma: 0.5 }) }), step: mlpStep },
  { title: 'sgd with momentum and weight decay', model: (s) => smallMlp(3, s), optimizer: () => t.optim.sgd({ lr: 0.1, momentum: 0.9, weightDecay: 1e-3, dampening: 0.1 }), step: mlpStep },
  { title: 'sgd with Nesterov momentum', model: (s) => smallMlp(3, s), optimizer: () => t.optim.sgd({ lr: 0.1, momentum: 0.9, nesterov: true }), step: mlpStep },
  { title: 'adam', model: (s) => smallMlp(3, s), optimizer: () => t.optim.adam({ lr: 0.01, weightDecay: 1e-4 }), step: mlpStep },
  { title: 'packed sgd with per-model momentum', model: (s) => new PackedLinear(3, 4, 5, { seed: s }), optimizer: () => t.optim.packedSgd({ models: 3, lr: [0.1, 0.05, 0.02], momentum: [0.9, 0.5, 0] }), step: packedStep },
  { title: 'packed adam', model: (s) => new PackedLinear(3, 4, 5, { seed: s }), optimizer: () => t.optim.packedAdam({ models: 3, lr: [0.01, 0.02, 0.03], beta1: [0.9, 0.8, 0.7] }), step: packedStep },
];

const N = 5;
const M = 4;

/** The bits of every value of every entry, so that a comparison is exact (NaN and -0 included). */
function bits(dict: StateDict): Record<string, number[]> {
  return Object.fromEntries(Object.entries(dict).map(([k, e]) => [k, Array.from(new Uint32Array(e.data.buffer, e.data.byteOffset, e.data.length))]));
}

async function uninterrupted(c: ResumeCase): Promise<StateDict> {
  const model = c.model(1);
  const optimizer = c.optimizer();
  for (let s = 0; s < N + M; s++) c.step(model, optimizer, s);
  const out = await stateDict(model);
  optimizer.dispose();
  t.dispose(model.parameters().map((p) => p.value));
  return out;
}

/** Trains N steps, checkpoints, loads into a fresh model (another seed) and optimizer, trains M more. */
async function resumed(c: ResumeCase, through: (dict: StateDict) => StateDict, withOptimizerState = true): Promise<{ final: StateDict; stepCount: number }> {
  const first = c.model(1);
  const firstOptimizer = c.optimizer();
  for (let s = 0; s < N; s++) c.step(first, firstOptimizer, s);
  const modelState = through(await stateDict(first));
  const optimizerState = through(await firstOptimizer.stateDict(first.namedParameters()));
  firstOptimizer.dispose();
  t.dispose(first.parameters().map((p) => p.value));

  const model = c.model(99);
  const optimizer = c.optimizer();
  loadStateDict(model, modelState);
  if (withOptimizerState) optimizer.loadStateDict(model.namedParameters(), optimizerState);
  const stepCount = optimizer.stepCount;
  for (let s = N; s < N + M; s++) c.step(model, optimizer, s);
  const final = await stateDict(model);
  optimizer.dispose();
  t.dispose(model.parameters().map((p) => p.value));
  return { final, stepCount };
}

describe('optimizer state dicts: a resumed run continues bit for bit (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  for (const c of CASES) {
    it(c.title, async () => {
      await t.expectNoLeaks(async () => {
        const expected = bits(await uninterrupted(c));
        const inMemory = await resumed(c, (d) => d);
        expect(inMemory.stepCount).toBe(N);
        expect(bits(inMemory.final)).toEqual(expected);
        const throughBytes = await resumed(c, (d) => decodeStateDict(encodeStateDict(d)));
        expect(bits(throughBytes.final)).toEqual(expected);
        // Control: without the optimizer's state (step count, buffers) the continuation differs.
        const cold = await resumed(c, (d) => d, false);
        expect(bits(cold.final)).not.toEqual(expected);
      });
    });
  }
});
