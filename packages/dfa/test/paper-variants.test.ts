import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BoundaryFeed } from '../src/index';
import { parseVariant, variantSeedTables, variantSettings, variantsAmong, variantSuffix, type RunVariant } from '../bench/paper/variants';

const every: RunVariant[] = (['dfa-delta', 'bp-delta'] as BoundaryFeed[]).flatMap((boundaryFeed) =>
  [1, 2, 0.5].flatMap((feedbackScale) => [1, 2, 12].map((seed) => ({ seed, feedbackScale, boundaryFeed }))));

describe('paper run variants', () => {
  it('names every variant by a suffix that reads back as the same variant, in files and in checkpoint folders', () => {
    const files = every.map((v) => `paper-cifar-full-lr0.001${variantSuffix(v)}.json`);
    expect(variantsAmong(files, 'paper-cifar-full-lr0.001', '.', '.json').map((f) => f.variant)).toEqual(every);
    const folders = every.map((v) => `cifar-full-lr0.001${variantSuffix(v).replace(/\./g, '-')}`);
    expect(variantsAmong(folders, 'cifar-full-lr0.001', '-').map((f) => f.variant)).toEqual(every);
    expect(variantSuffix({ seed: 3, feedbackScale: 2, boundaryFeed: 'bp-delta' })).toBe('.bpdelta.fb2.seed3');
    expect(variantSuffix({ seed: 1, feedbackScale: 1, boundaryFeed: 'dfa-delta' })).toBe('');
  });

  it('ignores other runs and other files beside them', () => {
    const names = ['paper-cifar-full-lr0.001.json', 'paper-cifar-full.json', 'paper-cifar-full-lr0.001.bpdelta.quick.json', 'paper-cifar-full-lr0.001.fb2.seed3.json.tmp'];
    expect(variantsAmong(names, 'paper-cifar-full-lr0.001', '.', '.json').map((f) => f.name)).toEqual(['paper-cifar-full-lr0.001.json']);
  });

  it('reads the options, with the first run as the default, and names a wrong value', () => {
    expect(parseVariant('paper-cifar', {})).toEqual({ seed: 1, feedbackScale: 1, boundaryFeed: 'dfa-delta' });
    expect(parseVariant('paper-cifar', { seed: '4', 'feedback-scale': '2', 'boundary-feed': 'bp-delta' })).toEqual({ seed: 4, feedbackScale: 2, boundaryFeed: 'bp-delta' });
    expect(() => parseVariant('paper-cifar', { 'boundary-feed': 'true' })).toThrow(/paper-cifar: --boundary-feed must be dfa-delta or bp-delta, got true/);
    expect(() => parseVariant('paper-cifar', { seed: '0' })).toThrow(/--seed must be an integer >= 1/);
    expect(() => parseVariant('paper-cifar', { 'feedback-scale': '-1' })).toThrow(/--feedback-scale must be a positive number/);
  });

  it('changes only the settings a variant names, so the first run stays resumable', () => {
    expect(variantSettings({ seed: 1, feedbackScale: 1, boundaryFeed: 'dfa-delta' })).toEqual({});
    expect(variantSettings({ seed: 5, feedbackScale: 2, boundaryFeed: 'bp-delta' })).toEqual({ modelSeed: 5, feedbackSeed: 11, dataSeed: 5, feedbackScale: 2, boundaryFeed: 'bp-delta' });
  });

  it('tables each boundary feed and scale apart, the baseline of a variant read from the first run of the same seed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dfa-variants-'));
    try {
      const method = (testErrorPercent: number) => {
        const epoch = { epoch: 1, loss: 1, trainSeconds: 1, trainErrorPercent: 0, validationErrorPercent: 0, testErrorPercent, load: [0, 0, 0] };
        return { epochs: [epoch], alignment: [], best: epoch, stopped: 'max-epochs' };
      };
      const settings = (seed: number, methods: string[]) => ({ methods, modelSeed: seed, feedbackSeed: seed + 6, dataSeed: seed });
      const write = (name: string, seed: number, methods: Record<string, unknown>) => writeFile(join(dir, name), JSON.stringify({ settings: settings(seed, Object.keys(methods)), methods }));
      await write('run.json', 1, { bp: method(30), hybrid: method(32) });
      await write('run.seed2.json', 2, { bp: method(31), hybrid: method(34) });
      await write('run.bpdelta.fb2.json', 1, { hybrid: method(30.5) });
      await write('run.bpdelta.fb2.seed2.json', 2, { hybrid: method(30) });
      const tables = await variantSeedTables(dir, 'run', { method: 'hybrid', baseline: 'bp', labels: { bp: 'BP', hybrid: 'H' }, target: 1 });
      const [first, second] = tables.split(/\n\n(?=Feedback scale)/);
      expect(first).toMatch(/^Feedback scale 1:/);
      expect(first).toMatch(/\*\*mean of 2 finished\*\* \| \| \| \*\*2\.50\*\* \(s\.e\. 0\.50\) \(target ≤ 1: missed\)/);
      expect(second).toMatch(/^Feedback scale 2, true BP gradient at the conv\/FC boundary \(BP from the first run's file of each seed\):/);
      expect(second).toMatch(/\| 1 \(1, 7, 1\) \| 30\.00 \(1\) \| 30\.50 \(1\) \| 0\.50 \|/);
      expect(second).toMatch(/\*\*mean of 2 finished\*\* \| \| \| \*\*-0\.25\*\* \(s\.e\. 0\.75\) \(target ≤ 1: met\)/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
