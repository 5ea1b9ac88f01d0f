import { describe, expect, it } from 'vitest';
import { createLossScaleExperiment, lossScaleExperiment, SMALL_LOSS_WEIGHT } from './loss-scale';

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
