import * as t from '@nnlab/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { quietContext } from '../context.test-helper';
import { createLossScaleExperiment, lossScaleExperiment, SMALL_LOSS_WEIGHT, type LossScaleMeasurement } from './index';
import { judgeLossScale } from './judge';
import { renderLossScale } from './render';

describe('loss-scale experiment', () => {
  it('declares its id, options and the small loss weight', () => {
    expect(lossScaleExperiment.id).toBe('loss-scale');
    expect(Object.keys(lossScaleExperiment.options ?? {}).sort()).toEqual(['epochs', 'test-size', 'train-size']);
    expect(Number.isInteger(Math.log2(SMALL_LOSS_WEIGHT))).toBe(true);
    expect(createLossScaleExperiment({ epochs: 3 }).id).toBe('loss-scale');
  });

  it('rejects bad option values before running', () => {
    const parse = lossScaleExperiment.options!['train-size'].parse!;
    expect(parse('500')).toBe(500);
    for (const bad of ['0', '-3', '1.5', 'many', '70000']) expect(() => parse(bad)).toThrow(/expected an integer from 1 to 60000/);
  });
});

describe('loss-scale experiment (tiny settings, cpu)', () => {
  it('measures without leaking; the report renders again, identically, from the saved report.json data', async () => {
    const ctx = quietContext(1, true, '/nonexistent/loss-scale');
    await t.setBackend('cpu');
    const before = t.memory().numTensors;
    const result = await createLossScaleExperiment({ trainSize: 256, testSize: 128, epochs: 1 }).run(ctx);
    expect(t.memory().numTensors).toBe(before);
    const m = result.data as LossScaleMeasurement;
    expect(m.runs.map((r) => r.method).filter((x) => x === 'fp32')).toHaveLength(2);
    // The formula case σ_g = 1e-6 has a hand-worked α: 64 without caps, 16 with SB = 16.
    expect([m.formulaCases[0].alpha, m.formulaCases[0].alphaCapped]).toEqual([64, 16]);
    const saved = JSON.parse(JSON.stringify(m)) as LossScaleMeasurement;
    expect(judgeLossScale(saved)).toEqual(result.summary);
    expect(renderLossScale(saved)).toEqual(result.sections);
    // Figures name the layers as the model's, not by their Sequential index.
    expect(m.layerNames).toEqual({ '0': 'fc1 784→100', '2': 'fc2 100→50', '4': 'fc3 50→10' });
    const html = result.sections.map((s) => s.html).join('');
    expect(html).toContain('α, fc2 100→50');
    expect(html).not.toMatch(/layer [024]\b/);
  }, 240_000);
});
