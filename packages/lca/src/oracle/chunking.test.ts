import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLayout } from '../layout/layout';
import { moduleLayout, readParameters } from '../layout/module';
import { LcaRun } from '../run';
import { blobs } from '../testing/synthetic.test-helper';
import { mlpEntries, mlpOracle, trainMlp64 } from '../testing/mlp64.test-helper';
import { mlp } from '../testing/models.test-helper';
import type { GradientOracle } from '../types';
import { planChunks } from './chunks';
import { moduleOracle } from './module-oracle';

const widths = [8, 12, 3];
const data = blobs(600, 8, 3, 21);
const thetas = trainMlp64(widths, data, { lr: 0.1, momentum: 0.9, batchSize: 40, steps: 6, seed: 22 });

async function lcaRows(oracle: GradientOracle): Promise<Float64Array[]> {
  const run = new LcaRun(createLayout(mlpEntries(widths)), oracle, { quadrature: 'simpson', keep: { full: true } });
  await run.start(thetas[0]);
  for (const th of thetas.slice(1)) await run.step(th);
  return run.result().full!;
}

function maxRelative(a: Float64Array[], b: Float64Array[]): number {
  let diff = 0;
  let scale = 0;
  a.forEach((row, r) => row.forEach((v, i) => {
    diff = Math.max(diff, Math.abs(v - b[r][i]));
    scale = Math.max(scale, Math.abs(v));
  }));
  return diff / scale;
}

describe('chunk plans', () => {
  it('weights chunks by size (exact mean) or drops the remainder as the reference', () => {
    expect(planChunks(600, 250)).toEqual({ starts: [0, 250, 500], sizes: [250, 250, 100], weights: [250 / 600, 250 / 600, 100 / 600], used: 600, dropped: 0 });
    expect(planChunks(600, 250, true)).toEqual({ starts: [0, 250], sizes: [250, 250], weights: [0.5, 0.5], used: 500, dropped: 100 });
    expect(() => planChunks(100, 250, true)).toThrow(/no chunk/);
  });
});

describe('chunking invariance (no BatchNorm, no dropped remainder)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('float64 oracle: LCA agrees for two chunk sizes to ≤ 1e-12 relative', async () => {
    const whole = await lcaRows(mlpOracle(widths, data, 600));
    const chunked = await lcaRows(mlpOracle(widths, data, 250));
    expect(maxRelative(whole, chunked)).toBeLessThanOrEqual(1e-12);
  });

  it('tensor-gpu oracle (float32): agrees for two chunk sizes to ≤ 1e-5 relative, and with the float64 oracle', async () => {
    const model = mlp(widths, 3);
    const params = moduleLayout(model);
    expect(params.layout.size).toBe(createLayout(mlpEntries(widths)).size);
    await t.expectNoLeaks(async () => {
      const a = moduleOracle(model, { data, chunkSize: 600 });
      const b = moduleOracle(model, { data, chunkSize: 250 });
      const whole = await lcaRows(a);
      const chunked = await lcaRows(b);
      a.dispose();
      b.dispose();
      const rel = maxRelative(whole, chunked);
      console.log(`float32 chunking: max relative difference of A ${rel.toExponential(2)}`);
      expect(rel).toBeLessThanOrEqual(1e-5);
      const reference = await lcaRows(mlpOracle(widths, data, 600));
      expect(maxRelative(reference, whole)).toBeLessThanOrEqual(1e-4);
    });
    // The model's own parameters are untouched by the oracle calls.
    expect(Array.from(await readParameters(params))).not.toEqual(Array.from(thetas[0]));
    model.dispose();
  });
});
