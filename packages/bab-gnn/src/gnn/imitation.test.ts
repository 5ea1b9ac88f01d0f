import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { intermediateBounds } from '../bounds/crown';
import { freeSplits } from '../bounds/types';
import { babsrScores } from '../branching/babsr';
import { ambiguousCandidates, type BranchingContext } from '../branching/rule';
import type { ReluNetwork } from '../network/network';
import { randomConvNetwork } from '../testing/conv-network.test-helper';
import { randomBox, randomNetwork } from '../testing/random-network.test-helper';
import { graphFeatures } from './features';
import { BranchingGnn } from './model';
import { loadPretrainedGnn } from './pretrained-model';
import { PRETRAINED_GNN_OVAL_BASE } from './pretrained';
import { packedFeatureLength, packSample, unpackSample } from './sample-codec';
import { collectStrongBranchingSamples, generateProblems, meanRankLoss, teacherCandidates, trainGnn, type BranchingSample } from './train';
import { loadGnnWeights, saveGnnWeights } from './weights';

beforeAll(async () => {
  await t.setBackend('cpu');
});

function context(net: ReluNetwork, box: { lower: Float64Array; upper: Float64Array }): BranchingContext {
  const splits = freeSplits(net.layers.slice(0, -1).map((l) => l.outSize));
  return { net, box, splits, bounds: intermediateBounds(net, box, splits), objective: { coeffs: Float64Array.from([1, -1]), constant: 0 }, lower: -1, point: Float64Array.from(box.lower), boundChildren: async () => [0, 0] };
}

/** A conv network (like the OVAL base model, smaller) and a context with many ambiguous ReLUs. */
function convContext(): BranchingContext {
  const net = randomConvNetwork([2, 6, 6], [{ outChannels: 3, kernel: 4, stride: 2, padding: 1 }], [7, 2], 41);
  return context(net, randomBox(net.inputSize, 42, 1.5));
}

describe('teacher candidates', () => {
  it('are the top BaBSR candidates plus distinct random ambiguous others, or all of them when few', () => {
    const ctx = convContext();
    const all = ambiguousCandidates(ctx.splits, ctx.bounds);
    expect(all.length).toBeGreaterThan(8);
    const picked = teacherCandidates(ctx, { top: 3, random: 4 }, t.data.createRng(7));
    expect(picked).toHaveLength(7);
    const key = (c: { layer: number; index: number }) => `${c.layer}:${c.index}`;
    expect(new Set(picked.map(key)).size).toBe(7);
    const allKeys = new Set(all.map(key));
    for (const c of picked) expect(allKeys.has(key(c))).toBe(true);
    // The first three have the three highest BaBSR scores among all candidates.
    const { scores } = babsrScores(ctx.net, ctx.bounds, ctx.splits, ctx.objective.coeffs);
    const sorted = all.map((c) => scores[c.layer][c.index]).sort((a, b) => b - a);
    expect(picked.slice(0, 3).map((c) => scores[c.layer][c.index])).toEqual(sorted.slice(0, 3));
    const everyOne = teacherCandidates(ctx, { top: all.length, random: 1 }, t.data.createRng(7));
    expect(everyOne.map((c) => scores[c.layer][c.index])).toEqual(sorted);
    expect(() => teacherCandidates(ctx, { top: 1, random: 0 }, t.data.createRng(7))).toThrow(/top \+ random >= 2/);
  });
});

describe('recorded decisions (pack / unpack)', () => {
  it('round-trip a conv network decision exactly, sized by the network', () => {
    const ctx = convContext();
    const candidates = ambiguousCandidates(ctx.splits, ctx.bounds).slice(0, 5);
    const sample: BranchingSample = { net: ctx.net, features: graphFeatures(ctx), candidates, improvements: [0.5, 0, 0.25, 1, 0.125] };
    const packed = packSample(sample);
    const hidden = ctx.net.layers.slice(0, -1).reduce((a, l) => a + l.outSize, 0);
    // 5 per input (3 + 2), 10 per ReLU (7 features, slope, ambiguous, alive), 4 output features, the folded objective.
    expect(packed.data.length).toBe(5 * ctx.net.inputSize + 10 * hidden + 4 + 7);
    expect(packedFeatureLength(ctx.net)).toBe(packed.data.length);
    const back = unpackSample(ctx.net, { header: JSON.parse(JSON.stringify(packed.header)), data: packed.data.slice() });
    expect(back.candidates).toEqual(candidates);
    expect(back.improvements).toEqual(sample.improvements);
    for (const k of ['input', 'inputBounds', 'output', 'outputWeights'] as const) expect(Array.from(back.features[k])).toEqual(Array.from(sample.features[k]));
    for (const k of ['relu', 'slope', 'ambiguous', 'alive'] as const) back.features[k].forEach((a, i) => expect(Array.from(a)).toEqual(Array.from(sample.features[k][i])));
  });

  it('reject data that does not fit the network, naming what is wrong', () => {
    const ctx = convContext();
    const candidates = ambiguousCandidates(ctx.splits, ctx.bounds).slice(0, 2);
    const packed = packSample({ net: ctx.net, features: graphFeatures(ctx), candidates, improvements: [0.5, 0.1] });
    const other = randomNetwork([3, 6, 5, 2], 1);
    expect(() => unpackSample(other, packed)).toThrow(/data has \d+ values, expected \d+ for this network/);
    expect(() => unpackSample(ctx.net, { ...packed, data: Array.from(packed.data) as unknown as Float32Array })).toThrow(/data must be a Float32Array/);
    expect(() => unpackSample(ctx.net, { header: { candidates: [[0, 10_000], [0, 1]], improvements: [0, 0] }, data: packed.data })).toThrow(/candidate 0 is \[0,10000\], not a \[layer, index\]/);
    // A stable ReLU (bounds of one sign) is no candidate.
    const stableLayer = ctx.bounds.lower.findIndex((lo, k) => lo.some((l, i) => l >= 0 || ctx.bounds.upper[k][i] <= 0));
    expect(stableLayer).toBeGreaterThanOrEqual(0);
    const stable = ctx.bounds.lower[stableLayer].findIndex((l, i) => l >= 0 || ctx.bounds.upper[stableLayer][i] <= 0);
    expect(() => unpackSample(ctx.net, { header: { candidates: [[stableLayer, stable], [candidates[0].layer, candidates[0].index]], improvements: [0, 0] }, data: packed.data })).toThrow(/candidate 0 .* is not an ambiguous ReLU/);
    expect(() => unpackSample(ctx.net, { header: { ...packed.header, improvements: [0.5, Number.NaN] }, data: packed.data })).toThrow(/improvement 1 must be a number in \[0, 1\]/);
    expect(() => unpackSample(ctx.net, { header: { ...packed.header, improvements: [0.5] }, data: packed.data })).toThrow(/one improvement per candidate/);
  });
});

describe('shipped weights', () => {
  it("'oval-base' loads into a model that scores every ReLU of a conv network; bad names and malformed weights are refused", async () => {
    const ctx = convContext();
    const gnn = loadPretrainedGnn('oval-base');
    await t.expectNoLeaks(async () => {
      const scores = t.noGrad(() => gnn.scores(ctx.net, graphFeatures(ctx)));
      expect(scores.map((s) => s.shape)).toEqual(ctx.net.layers.slice(0, -1).map((l) => [l.outSize, 1]));
      for (const s of scores) expect(Array.from(await s.data()).every(Number.isFinite)).toBe(true);
      t.dispose(scores);
    });
    expect(gnn.config).toEqual(PRETRAINED_GNN_OVAL_BASE.config);
    gnn.dispose();
    expect(() => loadPretrainedGnn('cifar' as never)).toThrow(/name must be one of small-random, oval-base, got "cifar"/);
    const good = PRETRAINED_GNN_OVAL_BASE;
    const name = 'score.second.bias';
    expect(() => loadGnnWeights({ ...good, parameters: { ...good.parameters, [name]: [Number.NaN] } })).toThrow(/parameter 'score.second.bias' value 0 is NaN, expected a finite number/);
    expect(() => loadGnnWeights({ ...good, parameters: { ...good.parameters, [name]: [1, 2] } })).toThrow(/parameter 'score.second.bias' has 2 values, expected 1/);
    expect(() => loadGnnWeights({ ...good, parameters: { ...good.parameters, extra: [1] } })).toThrow(/unknown parameter\(s\) 'extra'/);
    expect(() => loadGnnWeights({ ...good, config: { embedding: 8, rounds: 2 } })).toThrow(/has \d+ values, expected \d+ \(config embedding 8\)/);
    expect(() => loadGnnWeights({ parameters: good.parameters } as never)).toThrow(/weights must be an object \{ config/);
  });
});

describe('imitation of strong branching', () => {
  it('records the teacher at every recordEvery-th decision, at most decisionsPerProblem, and refuses a bad recordEvery', async () => {
    const [p] = await generateProblems(1, { seed: 5, sizes: [3, 8, 8, 2] });
    const every = await collectStrongBranchingSamples([p], { decisionsPerProblem: 3, recordEvery: 2, teacher: { top: 3, random: 3, seed: 1 } });
    expect(every.length).toBeGreaterThan(0);
    expect(every.length).toBeLessThanOrEqual(3);
    // The first recorded decision is the root's, whichever rule decides the others.
    const first = await collectStrongBranchingSamples([p], { decisionsPerProblem: 1, teacher: { top: 3, random: 3, seed: 1 } });
    expect(every[0].improvements).toEqual(first[0].improvements);
    await expect(collectStrongBranchingSamples([p], { recordEvery: 0 })).rejects.toThrow(/recordEvery must be an integer >= 1, got 0/);
  });

  it('lowers the rank loss on decisions of held-out problems', async () => {
    const problems = await generateProblems(6, { seed: 5, sizes: [3, 8, 8, 2] });
    const perProblem: BranchingSample[][] = [];
    for (const p of problems) perProblem.push(await collectStrongBranchingSamples([p], { decisionsPerProblem: 4, teacher: { top: 3, random: 3, seed: 1 } }));
    const train = perProblem.slice(0, 4).flat();
    const heldOut = perProblem.slice(4).flat();
    expect(train.length).toBeGreaterThanOrEqual(8);
    expect(heldOut.length).toBeGreaterThanOrEqual(2);
    for (const s of [...train, ...heldOut]) {
      expect(s.candidates.length).toBeLessThanOrEqual(6);
      expect(Math.max(...s.improvements)).toBeGreaterThan(0);
    }
    const model = new BranchingGnn({ embedding: 8 }, 3);
    const before = await meanRankLoss(model, heldOut);
    const heldOutHistory: number[] = [];
    await t.expectNoLeaks(async () => {
      await trainGnn(model, train, { epochs: 12, lr: 3e-3, batchSize: 4, heldOut, trainTop1: false, onEpoch: (_e, _l, top1, held) => {
        expect(top1).toBeNaN();
        heldOutHistory.push(held!.loss);
      } });
    });
    const after = await meanRankLoss(model, heldOut);
    expect(heldOutHistory[heldOutHistory.length - 1]).toBeCloseTo(after, 5);
    console.log(`held-out rank loss: ${before.toFixed(4)} untrained, ${after.toFixed(4)} after 12 epochs on ${train.length} decisions`);
    expect(after).toBeLessThan(0.8 * before);
    // Resuming from saved weights at epoch 12 of 12 trains no further.
    const resumed = loadGnnWeights(await saveGnnWeights(model));
    expect(await trainGnn(resumed, train, { epochs: 12, startEpoch: 12 })).toEqual([]);
    expect(await meanRankLoss(resumed, heldOut)).toBeCloseTo(after, 5);
    model.dispose();
    resumed.dispose();
  }, 240_000);
});
