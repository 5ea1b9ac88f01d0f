import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { NO_CAPS } from '../formula/options';
import { adaptiveScaling } from '../policy/adaptive';
import { staticScaling } from '../policy/fixed';
import type { LossScalePolicy } from '../policy/types';
import { cosine, float32Grads } from '../testing/models.test-helper';
import { BackwardPass } from './backward-pass';
import { commonBranchScale, mergeBranches } from './branches';
import { convertModel } from './convert';
import { lossScaled } from './pass-through';

/** Host version of the merge rule: branch scales largest first, then the smallest halved, floor `min`. */
function referenceCommonScale(maxAbs: number[], scales: number[], uMax: number, min: number): number {
  const m = Math.max(...maxAbs.map((a, i) => a / scales[i]));
  for (const c of [...scales].sort((a, b) => b - a)) if (m * c < uMax) return c;
  let c = Math.min(...scales);
  while (c > min && !(m * c < uMax)) c /= 2;
  return Math.max(c, min);
}

describe('branch merges', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('choose the common scale by the reference rule', async () => {
    await t.expectNoLeaks(async () => {
      for (const [maxAbs, scales] of [
        [[100, 3], [64, 4]], // both fit: the larger scale
        [[60000, 1], [1024, 2]], // 1024·(60000/1024)… fits only at the smaller scale
        [[65000, 65000], [1, 1]],
        [[30000, 65000], [2, 0.5]], // neither branch scale fits: halve the smaller one
        [[65000, 65000], [0.25, 0.125]], // nothing fits above the floor 1/8
      ] as const) {
        const grads = maxAbs.map((a) => t.tensor([a, -a / 3, 0], [3], 'float16'));
        const s = commonBranchScale(grads.map((g, i) => ({ grad: g, scale: scales[i] })), 65504, 1 / 8);
        const hostMax = await Promise.all(grads.map(async (g) => Math.max(...Array.from(await g.data(), Math.abs))));
        expect((await s.data())[0]).toBe(referenceCommonScale(hostMax, [...scales], 65504, 1 / 8));
        t.dispose([...grads, s]);
      }
    });
  });

  it('rescale each branch to the common scale before adding', async () => {
    await t.expectNoLeaks(async () => {
      const a = t.tensor([8, 16], [2], 'float16'); // carries 8: true values 1, 2
      const b = t.tensor([1, 1], [2], 'float16'); // carries 1: true values 1, 1
      const merged = t.tidy(() => mergeBranches([{ grad: a, scale: 8 }, { grad: b, scale: 1 }], 65504, 1 / 8));
      expect(Array.from(await merged.grad.data())).toEqual([16, 24]); // (1+1)·8, (2+1)·8
      expect((await (merged.scale as t.Tensor).data())[0]).toBe(8);
      t.dispose([a, b, merged.grad, merged.scale as t.Tensor]);
    });
  });

  for (const [name, make] of [
    ['adaptive, no caps', () => adaptiveScaling(NO_CAPS)],
    ['static 256', () => staticScaling({ scale: 256 })],
  ] as const) {
    it(`${name}: a residual CNN (identity and option-A blocks, batch norm) gets float32 gradients to float16 rounding`, async () => {
      await t.expectNoLeaks(async () => {
        const seeds = new t.nn.SeedSequence(11);
        const model = new t.nn.Sequential(
          new t.nn.Conv2d(2, 4, 3, { padding: 1, seed: 1 }),
          new t.nn.ReLU(),
          new t.nn.Residual(new t.nn.Sequential(new t.nn.Conv2d(4, 4, 3, { padding: 1, seed: 2 }), new t.nn.ReLU(), new t.nn.Conv2d(4, 4, 3, { padding: 1, seed: 3 }))),
          new t.nn.BasicBlock(4, 8, 2, 'A', seeds),
          new t.nn.Flatten(),
          new t.nn.Linear(8 * 3 * 3, 5, { seed: 4 }),
        );
        const x = t.randn([6, 2, 6, 6], { seed: 9 });
        const labels = Int32Array.from([0, 1, 2, 3, 4, 0]);
        // A small loss weight makes the gradients small enough for the layers to pick different scales.
        const lossWeight = 2 ** -12;
        const reference = float32Grads(model, x, labels, lossWeight);
        const policy: LossScalePolicy = make();
        const structure = convertModel(model);
        expect(structure.scaledLayers).toEqual(['0', '2.body.0', '2.body.2', '3.body.0', '3.body.3', '5']);
        const pass = new BackwardPass(policy, 0, true);
        const params = model.parameters();
        const raw = t.grad((_ps: t.Tensor[]) => t.mul(t.crossEntropy(lossScaled(structure.forward(t.cast(x, 'float16'), pass), policy.lossScale(), pass), labels), lossWeight))(params.map((p) => p.value))[0];
        // Batch-norm parameters sit in modules run as a whole: unscale them by the scale seen there.
        const owner = new Map<t.nn.Parameter, string>();
        for (const [n, ps] of structure.wholeModules) for (const p of ps) owner.set(p, n);
        const grads = raw.map((g, i) => {
          const s = owner.has(params[i]) ? pass.wholeModuleScales.get(owner.get(params[i])!) : undefined;
          return s === undefined ? g : t.div(g, s);
        });
        const scales = new Set<number>();
        for (const l of pass.layers) scales.add(typeof l.incoming === 'number' ? l.incoming : (await l.incoming.data())[0]);
        if (policy.method === 'adaptive') expect(scales.size).toBeGreaterThan(1);
        for (let i = 0; i < grads.length; i++) {
          const got = await grads[i].data();
          expect(got.every(Number.isFinite)).toBe(true);
          expect(cosine(got, await reference[i].data())).toBeGreaterThan(0.999);
        }
        t.dispose([...new Set([...raw, ...grads]), ...reference, x]);
        pass.dispose();
        policy.dispose();
        model.dispose();
      });
    });
  }
});
