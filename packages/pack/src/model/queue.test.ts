import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxRelativeError, packedSlices, randomData, rowsOf } from '../testing.test-helper';
import { mlpArchitecture, type Architecture } from './architecture';
import type { ModelConfig } from './config';
import { pack } from './pack';
import { readLosses, stepBackToBack } from './queue';

const wide = mlpArchitecture([12, 16, 4]);
const deep = mlpArchitecture([12, 6, 6, 4]);
const conv: Architecture = { name: 'conv', inputShape: [3, 2, 2], layers: [{ kind: 'conv2d', in: 3, out: 2, kernel: 1 }, { kind: 'flatten' }, { kind: 'linear', in: 8, out: 4 }] };
const configs: ModelConfig[] = [{ seed: 1, lr: 0.1 }, { seed: 2, lr: 0.05, momentum: 0.9 }];

describe('stepBackToBack (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('steps packs of different architectures in one queue exactly as stepping each pack on its own', async () => {
    await t.expectNoLeaks(async () => {
      const data = randomData(16, 12, 4, 3);
      const batches = [0, 8].map((s) => rowsOf(data, 12, Array.from({ length: 8 }, (_, i) => s + i)));
      const queued = [wide, deep, conv].map((a) => pack(a, configs));
      const alone = [wide, deep, conv].map((a) => pack(a, configs));
      for (const b of batches) {
        const losses = await readLosses(stepBackToBack(queued, { x: b.x, labels: b.labels }));
        for (let p = 0; p < 3; p++) {
          const x = t.tensor(b.x, [8, ...alone[p].architecture.inputShape]);
          expect(Array.from(losses[p])).toEqual(Array.from(await alone[p].trainStep({ x, labels: b.labels })));
          x.dispose();
        }
      }
      for (let p = 0; p < 3; p++) for (let k = 0; k < 2; k++) expect(maxRelativeError(await packedSlices(queued[p].network, k, 2), await packedSlices(alone[p].network, k, 2))).toBe(0);
      [...queued, ...alone].forEach((p) => p.dispose());
    });
  });

  it('rejects an input that does not fit a pack', async () => {
    await t.expectNoLeaks(async () => {
      const p = pack(wide, configs);
      expect(() => stepBackToBack([p], { x: new Float32Array(10), labels: [0, 1] })).toThrow(/packs\[0\] \('mlp-12-16-4'\) takes 12 values per sample/);
      expect(() => stepBackToBack([], { x: new Float32Array(0), labels: [] })).toThrow(/non-empty/);
      p.dispose();
    });
  });
});
