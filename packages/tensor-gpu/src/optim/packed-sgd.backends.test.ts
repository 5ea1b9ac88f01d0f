import { beforeAll, describe, expect, it } from 'vitest';
import * as t from '../index';
import { backendsUnderTest, requireBackend } from '../testing/backends';
import { closeness } from '../testing/compare';
import { Parameter } from '../nn/parameter';
import { packedSgd } from './packed-sgd';
import { sgd } from './sgd';

const K = 3;
const lr = [0.1, 0.05, 0.2];
const momentum = [0.9, 0, 0.5];
const weightDecay = [0, 1e-2, 1e-3];

for (const backend of backendsUnderTest()) {
  describe(`packed SGD on ${backend}`, () => {
    let ok = false;
    beforeAll(async () => {
      ok = await requireBackend(backend);
      if (ok) await t.setBackend(backend);
    });

    for (const nesterov of [false, true]) {
      it(`one packed step per tensor equals K separate SGD runs with per-model hyperparameters${nesterov ? ' (Nesterov)' : ''}`, async (ctx) => {
        if (!ok) return ctx.skip();
        await t.expectNoLeaks(async () => {
          const packed = new Parameter(t.keep(t.randn([K, 4, 5], { seed: 1 })), 'weight');
          const sliceOf = (k: number) => t.keep(t.tidy(() => t.reshape(t.slice(packed.value, [k, 0, 0], [1, 4, 5]), [4, 5])));
          const singles = Array.from({ length: K }, (_, k) => new Parameter(sliceOf(k), 'weight'));
          const mom = nesterov ? momentum.map((m) => (m === 0 ? 0.3 : m)) : momentum;
          const popt = packedSgd({ models: K, lr, momentum: mom, weightDecay, nesterov });
          const sopts = Array.from({ length: K }, (_, k) => sgd({ lr: lr[k], momentum: mom[k], weightDecay: weightDecay[k], nesterov: nesterov && mom[k] > 0 }));
          for (let step = 0; step < 3; step++) {
            const g = t.randn([K, 4, 5], { seed: 10 + step });
            popt.step([packed], [g]);
            for (let k = 0; k < K; k++) {
              const gk = t.tidy(() => t.reshape(t.slice(g, [k, 0, 0], [1, 4, 5]), [4, 5]));
              sopts[k].step([singles[k]], [gk]);
              gk.dispose();
            }
            g.dispose();
          }
          const all = await packed.value.data();
          for (let k = 0; k < K; k++) {
            const expected = await singles[k].value.data();
            const c = closeness(all.subarray(k * 20, (k + 1) * 20), expected, 1e-5, 1e-6);
            expect(c.ok, `model ${k}: ${c.message}`).toBe(true);
          }
          popt.dispose();
          sopts.forEach((o) => o.dispose());
          t.dispose([packed.value, ...singles.map((s) => s.value)]);
        });
      });
    }
  });
}
