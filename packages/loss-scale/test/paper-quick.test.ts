import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as t from '@nnlab/tensor-gpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPaperData } from '../bench/paper/data';
import { paperModel, runLossScalePaper, type LossScalePaperResults } from '../bench/paper/run';
import { QUICK_SETTINGS, type LossScalePaperSettings } from '../bench/paper/settings';

describe('CIFAR-10 paper run, quick setting', () => {
  let dir = '';
  beforeAll(async () => {
    await t.setBackend('cpu');
    dir = await mkdtemp(join(tmpdir(), 'loss-scale-paper-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes every method\'s epoch with accuracy, skipped steps, scale and per-layer underflow, and resumes instead of retraining', async () => {
    const settings: LossScalePaperSettings = { ...QUICK_SETTINGS, methods: ['fp32', 'dynamic'] };
    const options = { settings, resultsFile: join(dir, 'paper.json'), checkpointDir: join(dir, 'checkpoints') };
    const results = await runLossScalePaper(options);
    const onDisk = JSON.parse(await readFile(options.resultsFile, 'utf8')) as LossScalePaperResults;
    expect(onDisk.methods).toEqual(JSON.parse(JSON.stringify(results.methods)));
    expect(onDisk.settings).toEqual(settings);
    expect(onDisk.invocations).toHaveLength(1);
    expect(onDisk.paper.cifarAccuracies).toBeNull();

    const steps = Math.floor(settings.trainCount / settings.batchSize);
    const [fp32] = onDisk.methods.fp32!.epochs;
    const [dynamic] = onDisk.methods.dynamic!.epochs;
    for (const e of [fp32, dynamic]) {
      expect(e).toMatchObject({ epoch: 1, steps });
      expect(e.testAccuracy).toBeGreaterThanOrEqual(0);
      expect(e.testAccuracy).toBeLessThanOrEqual(1);
      expect(e.load).toHaveLength(3);
    }
    expect(fp32.underflow).toBeNull();
    expect(fp32.layers).toEqual([]);
    // Chainer's dynamic scale doubles on every clean step from 1 until the first overflow.
    if (dynamic.skippedSteps === 0) expect(dynamic.lossScale).toBe(2 ** steps);
    expect(onDisk.methods.dynamic!.skippedAt).toHaveLength(dynamic.skippedSteps);
    // Every Linear/Conv2d layer of ResNet-20 (19 convolutions and the classifier) reports its float16 underflow.
    expect(dynamic.layers.map((l) => l.layer)).toHaveLength(20);
    for (const l of dynamic.layers) {
      if (l.inputUnderflow !== null) expect(l.inputUnderflow).toBeGreaterThanOrEqual(0);
      expect(l.weightUnderflow).toBeGreaterThanOrEqual(0);
      expect(l.alpha).toBe(1);
    }
    expect(dynamic.underflow!.loss).toBeGreaterThanOrEqual(0);

    // The float32 accuracy is the one of the checkpointed weights, evaluated independently.
    const model = paperModel(settings);
    const optimizer = t.optim.sgd({ lr: settings.lr, momentum: settings.momentum });
    expect(t.train.restoreCheckpoint(t.nn.decodeStateDict(new Uint8Array(await readFile(join(options.checkpointDir, 'fp32.nnlb'))), 'checkpoint'), model, optimizer)).toEqual({ epochsDone: 1 });
    const data = await loadPaperData(settings);
    const { accuracy } = await t.train.evaluate(model, data.test, { inputShape: [...data.test.shape] });
    expect(accuracy).toBe(fp32.testAccuracy);
    model.dispose();
    optimizer.dispose();

    // A second run finds every epoch done: it records the invocation and trains nothing.
    const again = await runLossScalePaper(options);
    expect(again.invocations).toHaveLength(2);
    expect(again.methods.fp32!.epochs).toEqual(onDisk.methods.fp32!.epochs);
    expect(again.methods.dynamic!.epochs).toEqual(onDisk.methods.dynamic!.epochs);

    // A method beyond the reference's trains into the same file when named, without changing its settings.
    const extra = await runLossScalePaper({ ...options, only: ['adaptive-static'] });
    expect(extra.settings).toEqual(settings);
    expect(extra.methods.fp32!.epochs).toEqual(onDisk.methods.fp32!.epochs);
    const [adaptiveStatic] = extra.methods['adaptive-static']!.epochs;
    expect(adaptiveStatic).toMatchObject({ epoch: 1, steps });
    // It starts the backward pass at s₀ = S and, as adaptive scaling does, never changes it.
    expect(adaptiveStatic.lossScale).toBe(settings.staticScale);
    expect(adaptiveStatic.layers).toHaveLength(20);
  }, 900_000);
});
