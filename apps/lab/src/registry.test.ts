import { describe, expect, it } from 'vitest';
import { validateExperiments } from './main';
import { fakeTiers } from './experiments/context.test-helper';
import { experiments, findExperiment } from './registry';

describe('registry', () => {
  it('holds experiments that can share one command line', () => {
    expect(() => validateExperiments(experiments)).not.toThrow();
    expect(findExperiment('backends')?.id).toBe('backends');
    for (const e of experiments) {
      expect(e.title.length).toBeGreaterThan(0);
      expect(e.description.length).toBeGreaterThan(0);
    }
  });

  it('declares each experiment’s tiers, and the default tiers fit the ten-minute main job with margin', () => {
    for (const e of experiments) {
      for (const tier of ['default', 'full'] as const) {
        const t = e.tiers[tier];
        expect(t.expectedSeconds, `${e.id} ${tier}`).toBeGreaterThan(0);
        expect(t.reproduces.length, `${e.id} ${tier}`).toBeGreaterThan(20);
        expect(t.basis, `${e.id} ${tier}`).toMatch(/^(measured \d{4}-\d{2}-\d{2}: |extrapolated: )/);
      }
      expect(e.tiers.full.expectedSeconds).toBeGreaterThanOrEqual(e.tiers.default.expectedSeconds);
    }
    const total = experiments.reduce((s, e) => s + e.tiers.default.expectedSeconds, 0);
    expect(total).toBeLessThanOrEqual(0.9 * 600);
  });

  it('rejects duplicate and reserved ids and clashing options', () => {
    const run = async () => ({ summary: [], sections: [], data: null });
    const tiers = fakeTiers();
    expect(() => validateExperiments([{ id: 'a', title: 'a', description: '', run, tiers }, { id: 'a', title: 'a', description: '', run, tiers }])).toThrow(/twice/);
    expect(() => validateExperiments([{ id: 'list', title: 'l', description: '', run, tiers }])).toThrow(/reserved/);
    expect(() => validateExperiments([{ id: 'x', title: 'x', description: '', run, tiers, options: { out: { type: 'string', description: '' } } }])).toThrow(/common/);
  });
});
