import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { intermediateBounds } from '../bounds/crown';
import { freeSplits } from '../bounds/types';
import { createBabsr } from '../branching/babsr';
import type { BranchingContext, BranchingRule } from '../branching/rule';
import { createNetwork, type ReluNetwork } from '../network/network';
import { randomBox, randomNetwork } from '../testing/random-network.test-helper';
import { graphFeatures } from './features';
import { BranchingGnn } from './model';
import { withFailSafe } from './rule';
import { loadGnnWeights, saveGnnWeights } from './weights';

beforeAll(async () => {
  await t.setBackend('cpu');
});

function context(net: ReluNetwork, box: { lower: Float64Array; upper: Float64Array }, boundChildren: BranchingContext['boundChildren'] = async () => [0, 0]): BranchingContext {
  const splits = freeSplits(net.layers.slice(0, -1).map((l) => l.outSize));
  return { net, box, splits, bounds: intermediateBounds(net, box, splits), objective: { coeffs: Float64Array.from([1, -1]), constant: 0 }, lower: -1, point: Float64Array.from(box.lower), boundChildren };
}

async function scoresOf(model: BranchingGnn, ctx: BranchingContext): Promise<Float32Array[]> {
  const s = t.noGrad(() => model.scores(ctx.net, graphFeatures(ctx)));
  const values = await Promise.all(s.map((x) => x.data()));
  t.dispose(s);
  return values;
}

describe('branching GNN', () => {
  it('is equivariant: permuting the neurons of a hidden layer permutes the scores', async () => {
    const model = new BranchingGnn({ embedding: 8 }, 3);
    await t.expectNoLeaks(async () => {
      const net = randomNetwork([3, 6, 5, 2], 11);
      const box = randomBox(3, 12, 1.5);
      const perm = [3, 0, 5, 1, 4, 2];
      // Layer 0 outputs permuted: rows of W0 and b0, columns of W1.
      const [l0, l1, l2] = net.layers;
      const rows = (l: typeof l0, order: number[]) => order.map((i) => Array.from(l.weights.subarray(i * l.inSize, (i + 1) * l.inSize)));
      const w1 = Array.from({ length: l1.outSize }, (_, i) => perm.map((j) => l1.weights[i * l1.inSize + j]));
      const permuted = createNetwork([
        { weights: rows(l0, perm), bias: perm.map((i) => l0.bias[i]) },
        { weights: w1, bias: Array.from(l1.bias) },
        { weights: rows(l2, [0, 1]), bias: Array.from(l2.bias) },
      ]);
      const a = await scoresOf(model, context(net, box));
      const b = await scoresOf(model, context(permuted, box));
      perm.forEach((j, i) => expect(Math.abs(b[0][i] - a[0][j])).toBeLessThanOrEqual(1e-5));
      a[1].forEach((v, i) => expect(Math.abs(b[1][i] - v)).toBeLessThanOrEqual(1e-5));
    });
    model.dispose();
  });

  it('saves and loads weights that give the same scores', async () => {
    const model = new BranchingGnn({ embedding: 8 }, 5);
    const net = randomNetwork([3, 6, 5, 2], 21);
    const ctx = context(net, randomBox(3, 22, 1));
    const saved = JSON.parse(JSON.stringify(await saveGnnWeights(model)));
    const loaded = loadGnnWeights(saved);
    expect(await scoresOf(loaded, ctx)).toEqual(await scoresOf(model, ctx));
    const broken = { ...saved, parameters: { ...saved.parameters } };
    delete broken.parameters['score.second.bias'];
    expect(() => loadGnnWeights(broken)).toThrow(/parameter 'score.second.bias' is missing/);
    model.dispose();
    loaded.dispose();
  });
});

describe('fail-safe', () => {
  it('uses the BaBSR split whenever it improves more and the primary choice improves less than 0.2', async () => {
    const net = randomNetwork([3, 8, 8, 2], 31);
    const box = randomBox(3, 32, 2);
    const useless = { layer: 0, index: -1 };
    const stub: BranchingRule = {
      name: 'stub',
      async choose(ctx) {
        // Always the first candidate, whatever it is worth.
        for (let k = 0; k < ctx.splits.length; k++) for (let i = 0; i < ctx.splits[k].length; i++) if (ctx.bounds.lower[k][i] < 0 && ctx.bounds.upper[k][i] > 0) return { layer: k, index: i };
        return useless;
      },
    };
    const probe = context(net, box);
    const stubPick = (await stub.choose(probe))!;
    const babsrPick = createBabsr().decide(net, probe.bounds, probe.splits, [1, -1])!;
    expect(babsrPick).not.toEqual(stubPick);
    const same = (a: { layer: number; index: number }, b: { layer: number; index: number }) => a.layer === b.layer && a.index === b.index;
    // Children bounds (parent −1): the stub's split gains `gain`, BaBSR's split gains 0.5.
    for (const gain of [0, 0.1, 0.19, 0.25, 0.6]) {
      const rule = withFailSafe(stub);
      const ctx = context(net, box, async (c) => (same(c, stubPick) ? [-1 + gain, -1 + gain] : [-0.5, -0.5]));
      const pick = await rule.choose(ctx);
      const expectBabsr = gain < 0.2 && 0.5 > gain;
      expect(pick).toEqual(expectBabsr ? babsrPick : stubPick);
      expect(rule.stats.fallbacks).toBe(expectBabsr ? 1 : 0);
    }
  });
});
