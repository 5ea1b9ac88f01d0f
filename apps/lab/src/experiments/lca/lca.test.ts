import * as t from '@nnlab/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { quietContext } from '../context.test-helper';
import { lcaFindings } from './findings';
import { createLcaExperiment } from './index';
import { FRACTION_HELPING_BAND, judgeLca } from './judge';
import type { LcaMeasurement } from './measure';
import { renderLca } from './render';
import { reconstructionCaption } from './render-parts';

const ctx = quietContext(2, true, '/nonexistent/lca');

describe('lca experiment (tiny settings, cpu)', () => {
  it('measures without leaking; the report renders again, identically, from the saved report.json data', async () => {
    await t.setBackend('cpu');
    const before = t.memory().numTensors;
    const result = await createLcaExperiment({ iterations: 4, lcaExamples: 200 }).run(ctx);
    expect(t.memory().numTensors).toBe(before);
    const m = result.data as LcaMeasurement;
    expect([m.model, m.iterations, m.lcaExamples, m.train.losses.length]).toEqual(['mnist-fc', 4, 200, 5]);
    // Conservation holds for Simpson even on a short run (the measured loss is an independent reference).
    expect(m.train.losses[4] - m.train.losses[0]).toBeLessThan(0);
    const saved = JSON.parse(JSON.stringify(m)) as LcaMeasurement;
    const findings = lcaFindings(saved);
    expect(findings.conservation).toBeLessThan(0.005);
    expect(judgeLca(saved, findings)).toEqual(result.summary);
    expect(renderLca(saved, findings)).toEqual(result.sections);
    // Layers carry the model's names; the loss figure keeps both lines visible and says they coincide.
    expect(m.layerNames).toEqual({ '0': 'fc1 784→100', '2': 'fc2 100→50', '4': 'fc3 50→10' });
    const html = result.sections.map((s) => s.html).join('');
    expect(html).toContain('<td>fc1 784→100</td>');
    expect(html).not.toMatch(/layer [024]\b/);
    expect(html).toMatch(/<path class="line"[^>]*stroke-width="4"[^>]*><title>measured L/);
    expect(html).toMatch(/<path class="line"[^>]*stroke-dasharray="6 4"[^>]*><title>L₀ \+ Σ LCA/);
    expect(html).toContain('The two lines coincide');
  }, 120_000);

  it('says whether the measured and reconstructed losses coincide at the figure’s resolution', () => {
    const measured = [2, 1.5, 1, 0.5];
    expect(reconstructionCaption(measured, [2, 1.5001, 1, 0.5])).toMatch(/^The two lines coincide: the largest gap, 1e-4, is under a pixel/);
    expect(reconstructionCaption(measured, [2, 1.4, 1, 0.5])).toMatch(/^The lines differ by up to 0\.1 \(0\.06667 of the loss range\)/);
  });

  it('judges the fraction helping against the paper band only on the reference model', () => {
    const m = {
      model: 'mnist-fc', quadrature: 'simpson-adaptive', iterations: 1, train: { losses: [1, 0.5] }, timing: { trainMs: 1, lcaMs: 2 },
    } as unknown as LcaMeasurement;
    const findings = { lossChange: -0.5, conservation: 0.001, firstOrderError: 0.2, fraction: [0.7], meanFraction: 0.7, meanMoved: 0.7, pieces: { 2: 1 }, hurting: [], peaks: null };
    const [fractionRow, , conservationRow] = judgeLca(m, findings);
    expect(FRACTION_HELPING_BAND).toEqual([0.5, 0.65]);
    expect(fractionRow.pass).toBe(false); // 0.7 is above the band
    expect(judgeLca(m, { ...findings, meanFraction: 0.55 })[0].pass).toBe(true);
    expect(conservationRow.pass).toBe(true);
    expect(judgeLca({ ...m, model: 'lenet5' }, findings)[0].pass).toBeUndefined();
    expect(judgeLca(m, { ...findings, conservation: 0.01 })[2].pass).toBe(false);
  });
});
