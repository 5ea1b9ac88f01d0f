import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeSignMatrix, signProject } from './sign-project';
import { planSignProducts, signProductsByTables, signProductsDirect } from './sign-tables';

function signs(n: number, seed: number): boolean[] {
  const rng = t.data.createRng(seed);
  return Array.from({ length: n }, () => rng() < 0.5);
}

function values(n: number, seed: number): Float32Array {
  const rng = t.data.createRng(seed);
  return Float32Array.from({ length: n }, () => 2 * rng() - 1);
}

/** float64 Σ_k S[j,k]·e[i,k] with explicit ±1 multiplications: the independent oracle. */
function oracle(pos: boolean[], rows: number, classes: number, e: Float32Array): Float64Array {
  const n = e.length / classes;
  const out = new Float64Array(n * rows);
  for (let i = 0; i < n; i++) for (let j = 0; j < rows; j++) {
    let s = 0;
    for (let k = 0; k < classes; k++) s += (pos[j * classes + k] ? 1 : -1) * e[i * classes + k];
    out[i * rows + j] = s;
  }
  return out;
}

const maxRel = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / m;
};

describe('multiplication-free ±1 products', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  const sizes = [[1, 1], [5, 3], [17, 10], [64, 13], [33, 100], [8, 1]];
  for (const [rows, classes] of sizes) {
    it(`tables and direct sums match the oracle (${rows}×${classes})`, () => {
      const pos = signs(rows * classes, rows + classes);
      const e = values(6 * classes, rows * classes);
      const want = oracle(pos, rows, classes, e);
      const byTables = new Float32Array(6 * rows);
      signProductsByTables(planSignProducts(pos, rows, classes), e, byTables);
      const direct = new Float32Array(6 * rows);
      signProductsDirect(pos, rows, classes, e, direct);
      expect(maxRel(byTables, want)).toBeLessThan(1e-6);
      expect(maxRel(direct, want)).toBeLessThan(1e-6);
    });
  }

  it('the plan picks the group size with the fewest additions (10 classes, 800 rows: two groups of 5)', () => {
    const plan = planSignProducts(signs(800 * 10, 1), 800, 10);
    expect(plan.groupSize).toBe(5);
    expect(plan.groups).toBe(2);
    expect(plan.flips[0].length).toBe(31);
  });

  it('signProject on the device matches the oracle and frees what it does not return', async () => {
    await t.expectNoLeaks(async () => {
      const pos = signs(40 * 10, 3);
      const matrix = makeSignMatrix(pos, 40, 10);
      const eValues = values(7 * 10, 4);
      const e = t.tensor(eValues, [7, 10]);
      const out = signProject(e, matrix);
      expect(out.shape).toEqual([7, 40]);
      expect(maxRel(await out.data(), oracle(pos, 40, 10, eValues))).toBeLessThan(1e-6);
      expect(() => t.tidy(() => signProject(t.reshape(e, [70]), matrix))).toThrow(/e must be a \[batch, 10\] tensor, got \[70\]/);
      t.dispose([e, out, matrix.signs]);
    });
  });
});
