// Test helper (not part of the library): a packed optimizer against K separate single-model ones.
import { expect } from 'vitest';
import * as t from '../index';
import { Parameter } from '../nn/parameter';
import { closeness } from '../testing/compare';
import type { Optimizer } from './optimizer';

/**
 * Steps one `[K, 4, 5]` packed parameter with `packed` and its K slices, each with its own single
 * optimizer, on the same random gradients for `steps` steps; expects every slice to match
 * (relative 1e-5). Disposes the optimizers and tensors it made.
 */
export async function expectPackedMatchesSingles(packed: Optimizer, singles: readonly Optimizer[], steps: number): Promise<void> {
  const k = singles.length;
  const param = new Parameter(t.keep(t.randn([k, 4, 5], { seed: 1 })), 'weight');
  const sliceOf = (x: t.Tensor, i: number) => t.tidy(() => t.reshape(t.slice(x, [i, 0, 0], [1, 4, 5]), [4, 5]));
  const params = Array.from({ length: k }, (_, i) => new Parameter(t.keep(sliceOf(param.value, i)), 'weight'));
  for (let step = 0; step < steps; step++) {
    const g = t.randn([k, 4, 5], { seed: 10 + step });
    packed.step([param], [g]);
    for (let i = 0; i < k; i++) {
      const gi = sliceOf(g, i);
      singles[i].step([params[i]], [gi]);
      gi.dispose();
    }
    g.dispose();
  }
  expect(packed.stepCount).toBe(steps);
  const all = await param.value.data();
  for (let i = 0; i < k; i++) {
    const c = closeness(all.subarray(i * 20, (i + 1) * 20), await params[i].value.data(), 1e-5, 1e-6);
    expect(c.ok, `model ${i}: ${c.message}`).toBe(true);
  }
  packed.dispose();
  singles.forEach((o) => o.dispose());
  t.dispose([param.value, ...params.map((p) => p.value)]);
}
