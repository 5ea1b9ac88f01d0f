import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as t from '@nnlab/tensor-gpu';
import { loadCifar10 } from '@nnlab/tensor-gpu/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIFAR_FULL_SETTINGS, CIFAR_QUICK_SETTINGS, CIFAR_SUBSET_SETTINGS, cifarExperiment, type CifarPaperSettings } from '../bench/paper/cifar';
import type { CifarPaperResults } from '../bench/paper/cifar-report';
import type { DfaPaperResults } from '../bench/paper/mnist';
import { checkResumable, runPaperExperiment, stopReason } from '../bench/paper/run';
import { DEFAULT_SETTINGS } from '../bench/paper/settings';
import { sharedData } from '../src/testing/shared-data.test-helper';

const cifar = sharedData('cifar-10', ['data_batch_1.bin.gz', 'test_batch.bin.gz']);

describe('paper runner', () => {
  let dir = '';
  beforeAll(async () => {
    await t.setBackend('cpu');
    dir = await mkdtemp(join(tmpdir(), 'dfa-paper-run-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts the committed MNIST results file with the MNIST defaults, and refuses a changed setting', async () => {
    const file = new URL('../bench/results/paper.json', import.meta.url);
    const results = JSON.parse(await readFile(file, 'utf8')) as DfaPaperResults;
    expect(() => checkResumable('runDfaPaper', structuredClone(results), { ...DEFAULT_SETTINGS }, 'paper.json')).not.toThrow();
    expect(() => checkResumable('runDfaPaper', structuredClone(results), { ...DEFAULT_SETTINGS, lr: DEFAULT_SETTINGS.lr * 2 }, 'paper.json')).toThrow(/runDfaPaper: paper\.json was written with other settings \(lr\)/);
  });

  it('lets a run take on more methods, never fewer or others', async () => {
    const file = new URL('../bench/results/paper.seed2.json', import.meta.url);
    const results = JSON.parse(await readFile(file, 'utf8')) as DfaPaperResults; // trained bp and dfa
    const s = { ...DEFAULT_SETTINGS, modelSeed: 2, feedbackSeed: 8, dataSeed: 2 };
    const grown = structuredClone(results);
    expect(() => checkResumable('runDfaPaper', grown, { ...s, methods: ['bp', 'dfa', 'bdfa'] }, 'paper.seed2.json')).not.toThrow();
    expect(grown.settings.methods).toEqual(['bp', 'dfa', 'bdfa']);
    expect(() => checkResumable('runDfaPaper', structuredClone(results), { ...s, methods: ['dfa'] }, 'paper.seed2.json')).toThrow(/other settings \(methods\)/);
    expect(() => checkResumable('runDfaPaper', structuredClone(results), { ...s, methods: ['bp', 'bdfa'] }, 'paper.seed2.json')).toThrow(/other settings \(methods\)/);
  });

  it('stops a method whose loss is not finite, after patience counted from the last rate decay, or at the last epoch', () => {
    const s = CIFAR_FULL_SETTINGS; // patience 15, decays after 30 and 45, 60 epochs
    expect(stopReason(3, 2, s, Number.NaN)).toBe('diverged');
    expect(stopReason(3, 2, s, Number.POSITIVE_INFINITY)).toBe('diverged');
    expect(stopReason(3, 2, s, null)).toBe('diverged'); // NaN as a results file holds it
    expect(stopReason(3, 2, s, 1.5)).toBeNull();
    expect(stopReason(25, 10, s, 1.5)).toBe('patience');
    expect(stopReason(40, 10, s, 1.5)).toBeNull(); // 10 epochs after the decay at 30
    expect(stopReason(45, 10, s, 1.5)).toBe('patience');
    expect(stopReason(60, 59, s, 1.5)).toBe('max-epochs');
  });

  it.skipIf(cifar.skip)('an interrupted CIFAR-10 run resumed from its checkpoints ends exactly like an uninterrupted one', async () => {
    const data = loadCifar10(cifar.dir, { trainBatches: [1] });
    const experiment = cifarExperiment(() => data);
    // BP and the hybrid, both resumed from a checkpoint (the interruption falls between rounds);
    // about 200 training images, so a step count of seconds.
    const settings: Partial<CifarPaperSettings> = { ...CIFAR_SUBSET_SETTINGS, ...CIFAR_QUICK_SETTINGS, methods: ['bp', 'hybrid'], trainFraction: 0.02, validationCount: 100, testCount: 100, trainEvaluationCount: 100, alignmentEvery: 2 };
    const run = (name: string, signal?: AbortSignal, onEpoch?: (method: string, epoch: number) => void) =>
      runPaperExperiment(experiment, { settings, resultsFile: join(dir, `${name}.json`), checkpointDir: join(dir, name), signal }, {
        onProgress: (e) => {
          if ('epochDone' in e) onEpoch?.(e.method, e.epochDone.epoch);
        },
      });
    const before = t.memory().numTensors;
    const straight = await run('straight');
    const stop = new AbortController();
    const interrupted = await run('resumed', stop.signal, (method, epoch) => method === 'hybrid' && epoch === 1 && stop.abort());
    expect(interrupted.methods.bp!.epochs).toHaveLength(1);
    expect(interrupted.methods.hybrid!.epochs).toHaveLength(1);
    const resumed: CifarPaperResults = await run('resumed');
    expect(resumed.invocations).toHaveLength(2);
    expect(t.memory().numTensors).toBe(before);

    // Everything but the timing and the load is the same, bit for bit.
    const comparable = (r: CifarPaperResults) => Object.fromEntries(Object.entries(r.methods).map(([m, v]) => [m, {
      epochs: v!.epochs.map(({ trainSeconds: _s, load: _l, ...rest }) => rest),
      alignment: v!.alignment,
      best: v!.best?.epoch,
      stopped: v!.stopped,
    }]));
    expect(comparable(resumed)).toEqual(comparable(straight));
    expect(straight.methods.bp!.epochs).toHaveLength(2);
    expect(straight.methods.hybrid!.alignment.length).toBeGreaterThan(0);
    // The hybrid's alignment records cover conv1, conv2 and fc1.
    expect(straight.methods.hybrid!.alignment[0].layers).toHaveLength(3);
  }, 300_000);

  it.skipIf(cifar.skip)('a method that diverged stays stopped when the run is resumed from its results file', async () => {
    const data = loadCifar10(cifar.dir, { trainBatches: [1] });
    const experiment = cifarExperiment(() => data);
    // A rate of 10⁴ sends BP's loss to NaN within the first epoch.
    const settings: Partial<CifarPaperSettings> = { ...CIFAR_SUBSET_SETTINGS, ...CIFAR_QUICK_SETTINGS, methods: ['bp'], lr: 1e4, trainFraction: 0.02, validationCount: 100, testCount: 100, trainEvaluationCount: 100 };
    const run = () => runPaperExperiment(experiment, { settings, resultsFile: join(dir, 'diverged.json'), checkpointDir: join(dir, 'diverged') });
    const first = await run();
    expect(first.methods.bp!.stopped).toBe('diverged');
    expect(first.methods.bp!.epochs).toHaveLength(1);
    const again = await run();
    expect(again.methods.bp!.stopped).toBe('diverged');
    expect(again.methods.bp!.epochs).toHaveLength(1);
  }, 300_000);
});
