import * as t from '@nnlab/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { makeSignMatrix, signProject } from './sign-project';

// The device kernel (gpu.js source) runs on every backend but cpu, where the host tables run
// instead; check it against explicit ±1 sums on the backends available in this process.
const candidates = ['webasm', 'headlessgl'] as const;

describe('signProject device kernel', () => {
  for (const backend of candidates) {
    it(`matches explicit ±1 sums on ${backend} (when available)`, async () => {
      if (!(await t.isBackendAvailable(backend))) {
        console.warn(`[sign kernel] backend ${backend} not available here; skipped`);
        return;
      }
      await t.setBackend(backend);
      try {
        const rows = 37;
        const classes = 10;
        const n = 5;
        const rng = t.data.createRng(9);
        const pos = Array.from({ length: rows * classes }, () => rng() < 0.5);
        const e = Float32Array.from({ length: n * classes }, () => 2 * rng() - 1);
        const matrix = makeSignMatrix(pos, rows, classes);
        const x = t.tensor(e, [n, classes]);
        const out = signProject(x, matrix);
        const got = await out.data();
        for (let i = 0; i < n; i++) for (let j = 0; j < rows; j++) {
          let want = 0;
          for (let k = 0; k < classes; k++) want += (pos[j * classes + k] ? 1 : -1) * e[i * classes + k];
          expect(Math.abs(got[i * rows + j] - want)).toBeLessThan(1e-5);
        }
        t.dispose([x, out, matrix.signs]);
      } finally {
        await t.setBackend('cpu');
      }
    });
  }
});
