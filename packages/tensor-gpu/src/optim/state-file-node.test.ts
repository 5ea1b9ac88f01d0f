import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as t from '../index';
import { loadStateDictFile, saveStateDict } from '../nn/state-file-node';
import type { Module } from '../nn/module';
import { smallMlp } from '../train/synthetic.test-helper';
import type { Optimizer } from './optimizer';
import { loadOptimizerStateDictFile, saveOptimizerStateDict } from './state-file-node';

/** A step with gradients `w ⊙ a + b` seeded by the step, so they depend on the current values. */
function step(model: Module, optimizer: Optimizer, s: number): void {
  const params = model.trainableParameters();
  const grads = t.tidy(() => params.map((p, i) => t.add(t.mul(p.value, t.rand(p.value.shape, { seed: 50 * s + i })), t.randn(p.value.shape, { seed: 9 + 50 * s + i }))));
  optimizer.step(params, grads);
  t.dispose(grads);
}

async function values(model: Module): Promise<number[][]> {
  return Promise.all(model.parameters().map(async (p) => Array.from(new Uint32Array((await p.value.data()).buffer))));
}

describe('optimizer state files (Node, cpu)', () => {
  let dir = '';
  beforeAll(async () => {
    await t.setBackend('cpu');
    dir = await mkdtemp(join(tmpdir(), 'nnlab-optim-state-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a checkpoint of model and Adam in .nnlb files resumes bit for bit', async () => {
    await t.expectNoLeaks(async () => {
      const make = () => t.optim.adam({ lr: 0.01 });
      const reference = smallMlp(3, 1);
      const referenceOptimizer = make();
      for (let s = 0; s < 7; s++) step(reference, referenceOptimizer, s);

      const first = smallMlp(3, 1);
      const firstOptimizer = make();
      for (let s = 0; s < 3; s++) step(first, firstOptimizer, s);
      await saveStateDict(first, join(dir, 'model.nnlb'));
      await saveOptimizerStateDict(firstOptimizer, first.namedParameters(), join(dir, 'adam.nnlb'));

      const model = smallMlp(3, 2);
      const optimizer = make();
      await loadStateDictFile(model, join(dir, 'model.nnlb'));
      await loadOptimizerStateDictFile(optimizer, model.namedParameters(), join(dir, 'adam.nnlb'));
      for (let s = 3; s < 7; s++) step(model, optimizer, s);
      expect(await values(model)).toEqual(await values(reference));

      for (const o of [referenceOptimizer, firstOptimizer, optimizer]) o.dispose();
      t.dispose([reference, first, model].flatMap((m) => m.parameters().map((p) => p.value)));
    });
  });

  it('names the file when it is malformed, missing or does not match', async () => {
    await t.expectNoLeaks(async () => {
      const model = smallMlp(3, 1);
      const sgd = t.optim.sgd({ lr: 0.1, momentum: 0.9 });
      const bad = join(dir, 'bad.nnlb');
      await writeFile(bad, 'not a state file');
      await expect(loadOptimizerStateDictFile(sgd, model.namedParameters(), bad)).rejects.toThrow(`loadOptimizerStateDictFile: ${bad}: bad magic`);
      const missing = join(dir, 'missing.nnlb');
      await expect(loadOptimizerStateDictFile(sgd, model.namedParameters(), missing)).rejects.toThrow(`loadOptimizerStateDictFile: cannot read ${missing}`);
      const modelFile = join(dir, 'weights.nnlb');
      await saveStateDict(model, modelFile);
      await expect(loadOptimizerStateDictFile(sgd, model.namedParameters(), modelFile)).rejects.toThrow(
        new RegExp(`sgd\\.loadStateDict: missing key 'stepCount' .* \\(file ${modelFile.replace(/[.]/g, '\\.')}\\)`),
      );
      sgd.dispose();
      t.dispose(model.parameters().map((p) => p.value));
    });
  });
});
