import { loadCifar10, locateDataSet } from '@nnlab/tensor-gpu/node';
import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { requirePresent, sharedData } from '../../../../scripts/shared-data.test-helper';
import { runOvalProperty } from '../bab/oval-run';
import { createBabsr } from '../branching/babsr';
import { exactForward } from '../exact/replay';
import { ratSign, ratAdd, ratNeg, dyadicToRational } from '../exact/rational';
import { ovalSpec } from '../properties/oval-spec';
import { verify } from '../bab/verify';
import { OVAL_SOURCE, OVAL_SUITES, ovalDataDir, ovalInstances, readOvalModel } from './oval';

const cifar = sharedData('cifar-10', ['test_batch.bin.gz']);

beforeAll(async () => {
  await t.setBackend('cpu');
});

describe('ovalDataDir', () => {
  it('defaults to the installed @nnlab/verification-benchmarks package and says what to install otherwise', () => {
    expect(ovalDataDir()).toMatch(/verification-benchmarks[/\\]data[/\\]oval-cifar$/);
    expect(() => locateDataSet({ ...OVAL_SOURCE, packageDir: () => undefined }, undefined, {})).toThrow(/^OVAL CIFAR not found: install the npm package @nnlab\/verification-benchmarks/);
  });
});

describe.skipIf(cifar.skip)('OVAL properties on CIFAR-10 test images', () => {
  it('every suite: labels and clean margins of the first rows match the tables; the box is x0 ± eps, not clipped', async () => {
    requirePresent(cifar);
    const model = readOvalModel();
    const { test } = await loadCifar10(cifar.dir, { trainBatches: [] });
    let outside = 0;
    for (const suite of OVAL_SUITES) {
      const instances = await ovalInstances(model, suite, { testImages: test, limit: 3 });
      expect(instances).toHaveLength(3);
      for (const { property, image, spec } of instances) {
        const r = spec.regions[0];
        for (let i = 0; i < image.length; i++) {
          expect(r.lower[i]).toBeLessThanOrEqual(image[i] - property.eps);
          expect(r.lower[i]).toBeGreaterThan(image[i] - property.eps - 1e-12);
          expect(r.upper[i]).toBeGreaterThanOrEqual(image[i] + property.eps);
        }
        // Not clipped: count the box ends beyond the [0, 1] pixel range (normalised with the reference's constants).
        for (let i = 0; i < image.length; i++) {
          const c = Math.floor(i / 1024);
          if (r.lower[i] < (0 - model.mean[c]) / model.std[c] || r.upper[i] > (1 - model.mean[c]) / model.std[c]) outside++;
        }
        expect(spec.regions[0].clauses).toHaveLength(1);
      }
    }
    expect(outside).toBeGreaterThan(100);
  });

  it('a tiny radius is verified at the root; a radius far beyond the table\'s is falsified with an exactly replayed counterexample', async () => {
    requirePresent(cifar);
    const model = readOvalModel();
    const [inst] = await ovalInstances(model, 'base_easy', { cifarDir: cifar.dir, limit: 1 });
    const small = await runOvalProperty(model.network, ovalSpec(inst.image, { ...inst.property, eps: 0.002 }, 10), inst.property.row, createBabsr(), 60);
    expect(small.status).toBe('holds');
    expect(small.branches).toBe(0);
    const wide = await verify(model.network, ovalSpec(inst.image, { ...inst.property, eps: 1 }, 10), { splitting: 'relu', method: 'crown', timeout: 60 });
    expect(wide.status).toBe('violated');
    const y = exactForward(model.network, wide.counterexample!.input);
    const margin = ratAdd(dyadicToRational(y[inst.property.label]), ratNeg(dyadicToRational(y[inst.property.target])));
    expect(ratSign(margin)).toBe(-1);
  });
});
