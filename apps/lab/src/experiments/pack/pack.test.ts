import { describe, expect, it } from 'vitest';
import { quietContext } from '../context.test-helper';
import { createPackExperiment, type PackMeasurement } from './index';
import { judgePack, packFindings } from './judge';
import { renderPack } from './render';

describe('pack experiment (quick, tiny)', () => {
  it('reports step times, both searches and the same best configuration', async () => {
    const experiment = createPackExperiment({ ks: [1, 2], stepModels: ['mlp'], repeats: 5, R: 3, trainCount: 200, validationCount: 200 });
    const result = await experiment.run(quietContext(1, true, '/nonexistent/pack'));
    const data = result.data as PackMeasurement;
    expect(data.stepTimes.map((r) => r.k)).toEqual([1, 2]);
    expect(data.stepTimes.every((r) => r.speedup > 0)).toBe(true);
    expect(data.hyperband.searches).toHaveLength(2);
    // Best validation accuracy of an MLP after a few epochs on 200 digits: far above chance.
    expect(data.hyperband.searches[0].best!.score).toBeGreaterThan(0.5);
    expect(result.summary.find((r) => r.metric.includes('same best configuration'))?.pass).toBe(true);
    expect(result.sections.map((s) => s.title)).toEqual(['Step time: packed against sequential', 'Hyperband and pack-aware Hyperband on MNIST']);
    // The report renders again, identically, from the data saved in report.json.
    const saved = JSON.parse(JSON.stringify(data)) as PackMeasurement;
    const findings = packFindings(saved);
    expect(findings.sameBest).toBe(true);
    expect(judgePack(saved, findings)).toEqual(result.summary);
    expect(renderPack(saved, findings)).toEqual(result.sections);
  }, 240_000);
});
