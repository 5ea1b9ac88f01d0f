import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as t from '@nnlab/tensor-gpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lcaModel, moduleLayout, moduleOracle, readParameters } from '../src/index';
import { loadTrainSplit } from '../bench/paper/data';
import { summarize } from '../bench/paper/report';
import { runLcaPaper, type LcaPaperResults } from '../bench/paper/run';
import { SETTINGS } from '../bench/paper/settings';

/** L(θ) of `model` on the first `count` images of the run's training split, computed apart from the run. */
async function lossOf(model: t.nn.Module, count: number): Promise<number> {
  const s = SETTINGS.quick.lenet;
  const data = t.train.headOf(await loadTrainSplit(s), count);
  const layout = moduleLayout(model);
  const oracle = moduleOracle(model, { data, chunkSize: s.chunkSize, parameters: layout, inputShape: [1, 28, 28] });
  try {
    return (await oracle(await readParameters(layout))).loss;
  } finally {
    oracle.dispose();
  }
}

describe('LCA paper run, quick setting', () => {
  let dir = '';
  beforeAll(async () => {
    await t.setBackend('cpu');
    dir = await mkdtemp(join(tmpdir(), 'lca-paper-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('resumes after an interruption and writes series, layer totals and losses that match the checkpointed weights', async () => {
    const s = SETTINGS.quick.lenet;
    const options = { settings: [s], resultsFile: join(dir, 'paper.json'), checkpointDir: join(dir, 'checkpoints') };
    // Interrupted after the first segment (the checkpoint and the results are written before the event).
    await expect(runLcaPaper(options, { onProgress: (e) => {
      if ('segmentDone' in e) throw new Error('interrupted');
    } })).rejects.toThrow('interrupted');
    const partial = JSON.parse(await readFile(options.resultsFile, 'utf8')) as LcaPaperResults;
    expect(partial.networks.lenet!.iterationsDone).toBe(s.segment);

    await runLcaPaper(options);
    const results = JSON.parse(await readFile(options.resultsFile, 'utf8')) as LcaPaperResults;
    const r = results.networks.lenet!;
    const T = s.iterations;
    expect(r.iterationsDone).toBe(T);
    expect(results.invocations).toHaveLength(2);
    expect(r.segments).toHaveLength(T / s.segment);
    expect(r.losses).toHaveLength(T + 1);
    for (const series of [r.trainingLoss, r.lcaPerIteration, r.firstOrderPerIteration, r.errors, r.pieces, r.helpingCounts, r.movedCounts]) expect(series).toHaveLength(T);
    // The segment boundary: the resumed run starts from the loss the interrupted one ended at.
    expect(r.losses.slice(0, s.segment + 1)).toEqual(partial.networks.lenet!.losses);
    expect(r.layers.map((l) => l.name)).toEqual(['0', '3', '8', '11']);
    expect(r.layers.reduce((n, l) => n + l.parameters, 0)).toBe(808_970);
    for (let i = 0; i < T; i++) {
      const layerSum = r.layers.reduce((a, l) => a + l.series[i], 0);
      expect(Math.abs(layerSum - r.lcaPerIteration[i])).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(r.lcaPerIteration[i])));
      expect(r.errors[i]).toBeCloseTo(r.losses[i + 1] - r.losses[i] - r.lcaPerIteration[i], 12);
    }

    // L(θ_0) and L(θ_T) are the losses of the initial and of the checkpointed weights.
    const initial = lcaModel('lenet', s.seed).model;
    expect(r.losses[0]).toBe(await lossOf(initial, r.lcaExamples));
    initial.dispose();
    const trained = lcaModel('lenet', s.seed).model;
    const optimizer = t.optim.sgd({ lr: s.lr, momentum: s.momentum });
    expect(t.train.restoreCheckpoint(t.nn.decodeStateDict(new Uint8Array(await readFile(join(options.checkpointDir, 'lenet.nnlb'))), 'checkpoint'), trained, optimizer)).toEqual({ iterationsDone: T });
    expect(r.losses[T]).toBe(await lossOf(trained, r.lcaExamples));
    trained.dispose();
    optimizer.dispose();

    const summary = summarize(r);
    expect(summary.helpingAll).toBeGreaterThan(0);
    expect(summary.helpingAll).toBeLessThan(1);
    expect(summary.conservationError).toBeLessThan(summary.firstOrderError);
  }, 900_000);
});
