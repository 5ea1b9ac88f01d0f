import { data } from '@nnlab/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { forwardTrace, type DenseNetwork, type ReluNetwork } from '../network/network';
import { denseTwin, randomConvNetwork } from '../testing/conv-network.test-helper';
import { randomBox, randomNetwork, referenceForward, samplePoint } from '../testing/random-network.test-helper';
import { batchedAlphaBound, boundGradients, type AlphaBlock } from './alpha-batched';
import { batchedBackwardLowerBound, batchedBackwardTrace, type BackwardBlock } from './batched-backward';
import { intermediateBounds } from './crown';
import { freeSplits, type Box } from './types';

const TOL = 1e-9;

/** A domain of `net`: a random box, a few ReLUs split to the sign they take at a random point of it (so it is not empty), CROWN intermediate bounds and `m` random rows. */
function randomBlock(net: ReluNetwork, seed: number, splitCount: number, m = 3, width = 1): AlphaBlock {
  const u = data.createRng(seed);
  const box = randomBox(net.inputSize, seed + 1, width);
  const splits = freeSplits(net.layers.slice(0, -1).map((l) => l.outSize));
  const { preActivations } = forwardTrace(net, samplePoint(box, u));
  for (let q = 0; q < splitCount; q++) {
    const k = Math.floor(u() * splits.length);
    const i = Math.floor(u() * splits[k].length);
    splits[k][i] = preActivations[k][i] > 0 ? 1 : 0;
  }
  const bounds = intermediateBounds(net, box, splits, 'crown');
  const rows = Float64Array.from({ length: m * net.outputSize }, () => 2 * u() - 1);
  const rowConst = Float64Array.from({ length: m }, () => u() - 0.5);
  return { box, bounds, splits, rows, rowConst };
}

/** Every row's value at sampled points of the domain (the box, restricted to its splits), by the test's own forward pass. */
function sampledValues(net: DenseNetwork, block: AlphaBlock, seed: number, points: number): number[][] {
  const u = data.createRng(seed);
  const out: number[][] = [];
  for (let p = 0; p < points; p++) {
    const { pre: preActivations, out: output } = referenceForward(net, samplePoint(block.box as Box, u));
    if (!preActivations.every((z, k) => z.every((v, i) => block.splits![k][i] === -1 || (block.splits![k][i] === 1 ? v >= 0 : v <= 0)))) continue;
    const m = block.rowConst.length;
    out.push(Array.from({ length: m }, (_, r) => output.reduce((acc, y, i) => acc + block.rows[r * net.outputSize + i] * y, block.rowConst[r])));
  }
  return out;
}

const denseNets = [() => randomNetwork([3, 8, 8, 4], 21), () => randomNetwork([4, 10, 10, 6, 3], 22)];
const convNet = () => randomConvNetwork([2, 6, 6], [{ outChannels: 3, kernel: 3, stride: 2, padding: 1 }, { outChannels: 4, kernel: 2, stride: 1, padding: 0 }], [5, 3], 23);

describe('batched α,β-CROWN', () => {
  it('has the gradient of the bound: finite differences of the float64 bound in every slope and multiplier', () => {
    const net = denseNets[0]();
    const u = data.createRng(5);
    let checkedAlpha = 0;
    let checkedBeta = 0;
    for (let trial = 0; trial < 4; trial++) {
      const base = randomBlock(net, 40 + trial, 4, 2, 2);
      const hidden = net.layers.slice(0, -1).map((l) => l.outSize);
      // Random interior parameters, away from the kinks of the piecewise linear bound.
      const alphas = hidden.map((n) => Float64Array.from({ length: 2 * n }, () => 0.1 + 0.8 * u()));
      const betas = hidden.map((n) => Float64Array.from({ length: 2 * n }, () => 0.5 * u()));
      const block: BackwardBlock = { ...base, alphas, betas };
      const last = net.layers.length - 1;
      const { bounds, reluCoeffs } = batchedBackwardTrace(net, [block], last);
      const grads = boundGradients(net, [block], reluCoeffs, bounds);
      // The bound before its rounding margin is the piecewise linear function differentiated.
      const value = (b: BackwardBlock, r: number) => {
        const [res] = batchedBackwardLowerBound(net, [b], last);
        return res.lower[r] + res.margin![r];
      };
      const h = 1e-6;
      for (const [kind, params, g] of [['alpha', alphas, grads.alphas], ['beta', betas, grads.betas]] as const) {
        params.forEach((p, k) => {
          for (let q = 0; q < p.length; q++) {
            const r = Math.floor(q / hidden[k]);
            const bump = (d: number) => {
              const moved = params.map((a) => Float64Array.from(a));
              moved[k][q] += d;
              return value(kind === 'alpha' ? { ...block, alphas: moved } : { ...block, betas: moved }, r);
            };
            const fd = (bump(h) - bump(-h)) / (2 * h);
            expect(Math.abs(fd - g[k][q])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(fd)));
            if (g[k][q] !== 0) kind === 'alpha' ? checkedAlpha++ : checkedBeta++;
          }
        });
      }
    }
    // The check covered non-zero derivatives of both kinds.
    expect(checkedAlpha).toBeGreaterThan(10);
    expect(checkedBeta).toBeGreaterThan(3);
  });

  for (const [q, make] of denseNets.entries()) {
    it(`dense network ${q}: sound on sampled points, never below CROWN, tighter on some rows, β tighter than α alone on split domains`, () => {
      const net = make();
      const blocks = Array.from({ length: 6 }, (_, b) => randomBlock(net, 100 * q + 10 * b, b < 2 ? 0 : 3, 3, b % 2 ? 2 : 0.7));
      const crown = batchedBackwardLowerBound(net, blocks, net.layers.length - 1);
      const alphaOnly = batchedAlphaBound(net, blocks, { iterations: 20, beta: false });
      const alphaBeta = batchedAlphaBound(net, blocks, { iterations: 20 });
      let gains = 0;
      let betaGains = 0;
      blocks.forEach((block, b) => {
        const samples = sampledValues(net, block, 7 + b, 1500);
        expect(samples.length).toBeGreaterThan(20);
        for (let r = 0; r < block.rowConst.length; r++) {
          expect(alphaOnly[b].lower[r]).toBeGreaterThanOrEqual(crown[b].lower[r]);
          expect(alphaBeta[b].lower[r]).toBeGreaterThanOrEqual(crown[b].lower[r]);
          if (alphaOnly[b].lower[r] > crown[b].lower[r] + 1e-9) gains++;
          if (alphaBeta[b].lower[r] > alphaOnly[b].lower[r] + 1e-9) betaGains++;
          for (const v of samples) {
            expect(v[r]).toBeGreaterThanOrEqual(alphaOnly[b].lower[r] - TOL);
            expect(v[r]).toBeGreaterThanOrEqual(alphaBeta[b].lower[r] - TOL);
          }
        }
        // The returned slopes and multipliers reproduce the returned bound.
        const [again] = batchedBackwardLowerBound(net, [{ ...block, alphas: alphaBeta[b].alphas, betas: alphaBeta[b].betas }], net.layers.length - 1);
        for (let r = 0; r < block.rowConst.length; r++) expect(again.lower[r]).toBeCloseTo(alphaBeta[b].lower[r], 12);
        for (const a of alphaBeta[b].alphas) for (const v of a) expect(v >= 0 && v <= 1).toBe(true);
        for (const a of alphaBeta[b].betas) for (const v of a) expect(v).toBeGreaterThanOrEqual(0);
      });
      expect(gains).toBeGreaterThan(0);
      expect(betaGains).toBeGreaterThan(0);
    });
  }

  it('bounds each domain of a batch exactly as it bounds the domain alone (both update rules)', () => {
    const net = denseNets[1]();
    const blocks = Array.from({ length: 5 }, (_, b) => randomBlock(net, 300 + b, b, 2, 1));
    for (const update of ['adam', 'sign'] as const) {
      const together = batchedAlphaBound(net, blocks, { iterations: 8, update });
      blocks.forEach((block, b) => {
        const [alone] = batchedAlphaBound(net, [block], { iterations: 8, update, beta: blocks.some((x) => x.splits!.some((s) => s.some((v) => v !== -1))) });
        expect(Array.from(together[b].lower)).toEqual(Array.from(alone.lower));
        expect(Array.from(together[b].inputCoeffs)).toEqual(Array.from(alone.inputCoeffs));
      });
    }
  });

  it('on a convolutional network equals the bound of its dense twin, and is sound on sampled points', () => {
    const net = convNet();
    const twin = denseTwin(net);
    const blocks = Array.from({ length: 3 }, (_, b) => randomBlock(net, 500 + b, 2 * b, 2, 0.6));
    const conv = batchedAlphaBound(net, blocks, { iterations: 10 });
    const dense = batchedAlphaBound(twin, blocks, { iterations: 10 });
    const crown = batchedBackwardLowerBound(net, blocks, net.layers.length - 1);
    let gains = 0;
    blocks.forEach((block, b) => {
      const samples = sampledValues(twin, block, 9 + b, 400);
      for (let r = 0; r < block.rowConst.length; r++) {
        expect(Math.abs(conv[b].lower[r] - dense[b].lower[r])).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(dense[b].lower[r])));
        expect(conv[b].lower[r]).toBeGreaterThanOrEqual(crown[b].lower[r]);
        if (conv[b].lower[r] > crown[b].lower[r] + 1e-9) gains++;
        for (const v of samples) expect(v[r]).toBeGreaterThanOrEqual(conv[b].lower[r] - TOL);
      }
    });
    expect(gains).toBeGreaterThan(0);
  });

  it('starts from given parameters: a parent\'s help its split children, a poor start never goes below CROWN, both stay sound', () => {
    const net = denseNets[1]();
    let warmWins = 0;
    let coldWins = 0;
    for (let trial = 0; trial < 6; trial++) {
      const parent = randomBlock(net, 900 + trial, 2, 2, 1);
      const [parentBound] = batchedAlphaBound(net, [parent], { iterations: 20 });
      // Split one more ambiguous ReLU both ways: the children of a search.
      const k = trial % 3;
      const i = parent.bounds.lower[k].findIndex((l, q) => l < 0 && parent.bounds.upper[k][q] > 0 && parent.splits![k][q] === -1);
      if (i < 0) continue;
      for (const value of [0, 1]) {
        const splits = parent.splits!.map((s) => Int8Array.from(s));
        splits[k][i] = value;
        const bounds = intermediateBounds(net, parent.box, splits, 'crown');
        const child: AlphaBlock = { ...parent, splits, bounds };
        const crown = batchedBackwardLowerBound(net, [child], net.layers.length - 1)[0];
        const [cold] = batchedAlphaBound(net, [child], { iterations: 3 });
        const [warm] = batchedAlphaBound(net, [{ ...child, start: { alphas: parentBound.alphas, betas: parentBound.betas } }], { iterations: 3 });
        const poorStart = { alphas: parentBound.alphas.map((a) => a.map(() => 0)), betas: parentBound.betas.map((b) => b.map(() => 50)) };
        const [poor] = batchedAlphaBound(net, [{ ...child, start: poorStart }], { iterations: 1 });
        const samples = sampledValues(net, child, 1000 + trial, 800);
        for (let r = 0; r < 2; r++) {
          expect(warm.lower[r]).toBeGreaterThanOrEqual(crown.lower[r]);
          expect(poor.lower[r]).toBeGreaterThanOrEqual(crown.lower[r]);
          for (const v of samples) {
            expect(v[r]).toBeGreaterThanOrEqual(warm.lower[r] - TOL);
            expect(v[r]).toBeGreaterThanOrEqual(poor.lower[r] - TOL);
          }
          if (warm.lower[r] > cold.lower[r] + 1e-9) warmWins++;
          if (cold.lower[r] > warm.lower[r] + 1e-9) coldWins++;
        }
      }
    }
    // After 3 steps, the parent's parameters are ahead more often than CROWN's slopes.
    expect(warmWins).toBeGreaterThan(coldWins);
    const block = randomBlock(net, 950, 1);
    expect(() => batchedAlphaBound(net, [{ ...block, start: { alphas: [new Float64Array(3)], betas: [] } }])).toThrow(/blocks\[0\]\.start must hold alphas and betas/);
  });

  it('stops at the deadline with CROWN bounds, and refuses bad options', () => {
    const net = denseNets[0]();
    const block = randomBlock(net, 700, 2);
    const [atDeadline] = batchedAlphaBound(net, [block], { iterations: 50, deadline: performance.now() - 1 });
    const [crown] = batchedBackwardLowerBound(net, [block], net.layers.length - 1);
    expect(Array.from(atDeadline.lower)).toEqual(Array.from(crown.lower));
    expect(() => batchedAlphaBound(net, [block], { iterations: -1 })).toThrow(/iterations must be an integer ≥ 0/);
    expect(() => batchedAlphaBound(net, [block], { lr: 0 })).toThrow(/lr must be > 0/);
    expect(() => batchedAlphaBound(net, [block], { betaLr: Number.NaN })).toThrow(/betaLr must be > 0/);
    expect(() => batchedAlphaBound(net, [block], { update: 'sgd' as 'adam' })).toThrow(/update must be 'adam' or 'sign'/);
  });
});
