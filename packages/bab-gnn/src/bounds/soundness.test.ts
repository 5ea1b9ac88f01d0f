import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { boundDomain } from '../bab/bound-domain';
import { randomBox, randomNetwork, referenceForward, samplePoint } from '../testing/random-network.test-helper';
import { alphaCrownBound } from './alpha';
import { backwardLowerBound, intermediateBounds } from './crown';
import { ibpBounds } from './ibp';
import { freeSplits, type LayerBounds } from './types';

beforeAll(async () => {
  await t.setBackend('cpu');
});

const TOL = 1e-9;

function inside(pre: number[][], b: LayerBounds): boolean {
  return pre.every((z, k) => z.every((v, i) => v >= b.lower[k][i] - TOL && v <= b.upper[k][i] + TOL));
}

describe('bounds are sound on random networks and boxes (sampled points)', () => {
  const shapes = [[2, 6, 5, 2], [3, 8, 8, 6, 3], [4, 10, 10, 2]];
  for (const [s, sizes] of shapes.entries()) {
    it(`network ${sizes.join('-')}: pre-activations within [l, u] and every objective row ≥ its lower bound, with and without splits`, async () => {
      await t.expectNoLeaks(async () => {
        for (let trial = 0; trial < 4; trial++) {
          const seed = 100 * s + trial;
          const net = randomNetwork(sizes, seed);
          const box = randomBox(sizes[0], seed + 7, trial % 2 ? 2 : 0.5);
          const u = t.data.createRng(seed + 13);
          const splits = freeSplits(sizes.slice(1, -1));
          if (trial >= 2) {
            // Fix a few ReLUs, to the sign they take at a random point (so the subdomain is not empty).
            const { pre } = referenceForward(net, samplePoint(box, u));
            for (let q = 0; q < 3; q++) {
              const k = Math.floor(u() * splits.length);
              const i = Math.floor(u() * splits[k].length);
              splits[k][i] = pre[k][i] > 0 ? 1 : 0;
            }
          }
          const m = 3;
          const rows = Float64Array.from({ length: m * net.outputSize }, () => 2 * u() - 1);
          const rowConst = Float64Array.from({ length: m }, () => u() - 0.5);
          const ibp = ibpBounds(net, box, splits);
          const fwd = intermediateBounds(net, box, splits, 'forward');
          const crownLayers = intermediateBounds(net, box, splits, 'crown');
          const crown = backwardLowerBound(net, box, crownLayers, splits, net.layers.length - 1, rows, rowConst);
          const alpha = await alphaCrownBound(net, box, crownLayers, splits, rows, rowConst, { iterations: 15 });
          const domainIbp = await boundDomain(net, box, splits, [[0, 1, 2].map((r) => ({ coeffs: rows.slice(r * net.outputSize, (r + 1) * net.outputSize), constant: rowConst[r], strict: false }))], { method: 'ibp' });
          let used = 0;
          for (let p = 0; p < 3000; p++) {
            const x = samplePoint(box, u);
            const { pre, out } = referenceForward(net, x);
            // Points outside the split subdomain are not covered by its bounds.
            if (!pre.every((z, k) => z.every((v, i) => splits[k][i] === -1 || (splits[k][i] === 1 ? v >= 0 : v <= 0)))) continue;
            used++;
            expect(inside(pre, ibp)).toBe(true);
            expect(inside(pre, fwd)).toBe(true);
            expect(inside(pre, crownLayers)).toBe(true);
            for (let r = 0; r < m; r++) {
              const f = out.reduce((acc, y, i) => acc + rows[r * net.outputSize + i] * y, rowConst[r]);
              expect(f).toBeGreaterThanOrEqual(crown.lower[r] - TOL);
              expect(f).toBeGreaterThanOrEqual(alpha.lower[r] - TOL);
              // The linear function itself lower-bounds f at x.
              const lin = x.reduce((acc, v, i) => acc + crown.inputCoeffs[r * net.inputSize + i] * v, crown.constant[r]);
              expect(f).toBeGreaterThanOrEqual(lin - 1e-9);
            }
            const fMax = Math.max(...[0, 1, 2].map((r) => out.reduce((acc, y, i) => acc + rows[r * net.outputSize + i] * y, rowConst[r])));
            expect(fMax).toBeGreaterThanOrEqual(domainIbp.clauses[0].lower - TOL);
          }
          expect(used).toBeGreaterThan(20);
        }
      });
    });
  }
});

describe('tightness ordering on the same box', () => {
  it('α-CROWN ≥ CROWN ≥ IBP per row, CROWN intermediate bounds inside IBP ones, and CROWN strictly tighter than IBP on most rows', async () => {
    let strictlyTighter = 0;
    let alphaGain = 0;
    let rowsSeen = 0;
    for (let trial = 0; trial < 6; trial++) {
      const net = randomNetwork([3, 12, 12, 12, 4], 500 + trial);
      const box = randomBox(3, 600 + trial, 1);
      const u = t.data.createRng(700 + trial);
      const clause = [0, 1].map(() => ({ coeffs: Float64Array.from({ length: 4 }, () => 2 * u() - 1), constant: 0, strict: false }));
      const clauses = clause.map((c) => [c]);
      const ibp = await boundDomain(net, box, undefined, clauses, { method: 'ibp' });
      const crown = await boundDomain(net, box, undefined, clauses, { method: 'crown' });
      const alpha = await boundDomain(net, box, undefined, clauses, { method: 'alpha-crown', alphaIterations: 20 });
      const ibpLayers = ibpBounds(net, box);
      crown.layers.lower.forEach((l, k) => l.forEach((v, i) => {
        expect(v).toBeGreaterThanOrEqual(ibpLayers.lower[k][i]);
        expect(crown.layers.upper[k][i]).toBeLessThanOrEqual(ibpLayers.upper[k][i]);
      }));
      for (let r = 0; r < 2; r++) {
        rowsSeen++;
        expect(crown.clauses[r].lower).toBeGreaterThanOrEqual(ibp.clauses[r].lower);
        expect(alpha.clauses[r].lower).toBeGreaterThanOrEqual(crown.clauses[r].lower);
        if (crown.clauses[r].lower > ibp.clauses[r].lower + 1e-9) strictlyTighter++;
        if (alpha.clauses[r].lower > crown.clauses[r].lower + 1e-9) alphaGain++;
      }
    }
    expect(strictlyTighter).toBeGreaterThan(rowsSeen / 2);
    expect(alphaGain).toBeGreaterThan(0);
  });
});
