import { describe, expect, it } from 'vitest';
import { validateExperiments } from './main';
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

  it('rejects duplicate and reserved ids and clashing options', () => {
    const run = async () => ({ summary: [], sections: [], data: null });
    expect(() => validateExperiments([{ id: 'a', title: 'a', description: '', run }, { id: 'a', title: 'a', description: '', run }])).toThrow(/twice/);
    expect(() => validateExperiments([{ id: 'list', title: 'l', description: '', run }])).toThrow(/reserved/);
    expect(() => validateExperiments([{ id: 'x', title: 'x', description: '', run, options: { out: { type: 'string', description: '' } } }])).toThrow(/common/);
  });
});
