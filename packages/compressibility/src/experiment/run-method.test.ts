// The end-to-end harness on a small synthetic problem: files, ratios and the decoded accuracy.
import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { rangeCodec, rawCodec } from '../coding/codec';
import { decodeCompressedFile } from '../format/decode';
import { deflateCodec } from '../node/deflate';
import { loadQuantized } from '../pipeline/restore';
import { gaussian } from '../random.test-helper';
import { accuracyOf } from '../train/evaluate';
import { methodLabel } from './methods';
import { runMethod, type RunSettings } from './run-method';

function blobs(count: number, seed: number): t.train.LabeledData {
  const noise = gaussian(count * 16, seed);
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 4);
  const images = Float32Array.from(noise, (x, k) => 0.6 * x + ((k % 16) % 4 === labels[Math.floor(k / 16)] ? 1 : 0));
  return { images, labels, count, shape: [16] };
}

describe('runMethod on synthetic data (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  const settings: RunSettings = {
    model: () => new t.nn.Sequential(new t.nn.Linear(16, 32, { seed: 1 }), new t.nn.ReLU(), new t.nn.Linear(32, 4, { seed: 2 })),
    train: blobs(512, 1),
    test: blobs(256, 2),
    epochs: 3,
    fineTuneEpochs: 1,
    batchSize: 32,
    lr: 0.05,
    codecs: [rangeCodec, deflateCodec, rawCodec],
  };

  it('writes a file per codec whose ratio is 32·n / file bits, and the decoded file gives the reported accuracy', async () => {
    await t.expectNoLeaks(async () => {
      const r = await runMethod({ kind: 'compressibility', lambda: 0.01 }, settings);
      expect(r.label).toBe('L_c λ=0.01');
      const n = 16 * 32 + 32 + 32 * 4 + 4;
      expect(r.measurement.parameters).toBe(n);
      for (const f of r.measurement.files) {
        expect(f.ratio).toBeCloseTo((32 * n) / (8 * f.bytes.length), 12);
        const decoded = decodeCompressedFile(f.bytes, { codecs: [rangeCodec, deflateCodec, rawCodec] });
        expect(decoded.coder).toBe(f.codec);
        expect(decoded.tensors).toEqual(r.decoded);
      }
      const model = settings.model();
      loadQuantized(model, r.decoded);
      expect((await accuracyOf(model, settings.test)).accuracy).toBe(r.accuracy);
      model.dispose();
      expect(r.accuracy).toBeGreaterThan(0.8);
      expect(r.measurement.weights.sparsity).toBeGreaterThan(0);
    });
  });

  it('reuses trained weights for magnitude pruning to an exact per-layer sparsity', async () => {
    const base = await runMethod({ kind: 'none' }, settings);
    const pruned = await runMethod({ kind: 'magnitude', sparsity: 0.5 }, settings, base.trainedState);
    expect(pruned.trained).toEqual(base.trained);
    expect(pruned.maskSparsity).toBeCloseTo(0.5, 2);
    expect(pruned.measurement.weights.sparsity).toBeGreaterThanOrEqual(0.5);
  });

  it('divides the training learning rate by 10 after each listed epoch', async () => {
    const train = { ...settings, fineTuneEpochs: 0 };
    const fromStart = await runMethod({ kind: 'none' }, { ...train, lrDecayEpochs: [0] });
    const tenth = await runMethod({ kind: 'none' }, { ...train, lr: 0.005 });
    expect(fromStart.trained).toEqual(tenth.trained);
    const afterLast = await runMethod({ kind: 'none' }, { ...train, lrDecayEpochs: [3] });
    const constant = await runMethod({ kind: 'none' }, train);
    expect(afterLast.trained).toEqual(constant.trained);
    const midway = await runMethod({ kind: 'none' }, { ...train, lrDecayEpochs: [1] });
    expect(midway.trained).not.toEqual(constant.trained);
    expect(midway.trained).not.toEqual(tenth.trained);
    await expect(runMethod({ kind: 'none' }, { ...train, lrDecayEpochs: [2, 1] })).rejects.toThrow(/milestones must be increasing/);
  });

  it('labels methods for tables', () => {
    expect(methodLabel({ kind: 'none' })).toBe('λ=0');
    expect(methodLabel({ kind: 'compressibility', lambda: 0.001, sparsify: 'prox' })).toBe('L_c prox λ=0.001');
    expect(methodLabel({ kind: 'l1', lambda: 1e-5 })).toBe('L1 λ=0.00001');
    expect(methodLabel({ kind: 'magnitude', sparsity: 0.9 })).toBe('magnitude 90.0%');
  });
});
