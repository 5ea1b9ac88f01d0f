import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as t from '@nnlab/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { quietContext } from '../context.test-helper';
import { createCompressibilityExperiment, type CompressibilityMeasurement } from './index';
import { bestMatched, compressibilityFindings, judgeCompressibility, MATCHED_POINTS } from './judge';
import { renderCompressibility } from './render';

describe('compressibility experiment (tiny settings, cpu)', () => {
  it('writes decodable files, leaks nothing, and renders again, identically, from the saved report.json data', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'nnlab-compressibility-'));
    try {
      const ctx = quietContext(1, true, outDir);
      await t.setBackend('cpu');
      const before = t.memory().numTensors;
      const experiment = createCompressibilityExperiment({ lambdas: [3e-3], trainSize: 256, testSize: 128, epochs: 1, fineTuneEpochs: 1 });
      const result = await experiment.run(ctx);
      expect(t.memory().numTensors).toBe(before);
      const m = result.data as CompressibilityMeasurement;
      expect(m.uniform.map((r) => r.label)).toHaveLength(4);
      expect((await readdir(outDir)).filter((f) => f.endsWith('.nnlc'))).toHaveLength(4);
      // Decoding every file again gives the accuracy the run reported (an independent decode of the bytes).
      expect(m.checks.every((c) => c.reported === c.decoded && c.deflateMatches)).toBe(true);
      const saved = JSON.parse(JSON.stringify(m)) as CompressibilityMeasurement;
      const findings = compressibilityFindings(saved);
      expect(judgeCompressibility(saved, findings)).toEqual(result.summary);
      expect(renderCompressibility(saved)).toEqual(result.sections);
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  }, 240_000);

  it('bestMatched takes the best ratio within the accuracy window', () => {
    const row = (label: string, errorPercent: number, ratioRange: number) => ({ label, errorPercent, ratioRange }) as never;
    const base = row('λ=0', 2, 10);
    expect(bestMatched(base, [row('a', 2 + MATCHED_POINTS, 30), row('b', 2.1, 20), row('c', 2 + MATCHED_POINTS + 0.01, 99)])).toMatchObject({ label: 'a' });
    expect(bestMatched(base, [row('c', 3, 99)])).toBeNull();
  });
});
