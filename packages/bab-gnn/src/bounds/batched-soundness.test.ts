import { data } from '@nnlab/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { boundDomain, boundDomains, linearLowerOn } from '../bab/bound-domain';
import { randomBox, randomNetwork, referenceForward, samplePoint } from '../testing/random-network.test-helper';
import { batchedBackwardLowerBound } from './batched-backward';
import type { BatchDomain } from './batched-forward';
import { batchedIntermediateBounds, type IntermediateMethod } from './batched-intermediate';
import { backwardLowerBound, intermediateBounds } from './crown';
import { freeSplits, type Box, type LayerBounds } from './types';

const TOL = 1e-9;

/** A random sub-box of `box` (a child of a search over it). */
function subBox(box: Box, u: () => number): Box {
  const lower = new Float64Array(box.lower.length);
  const upper = new Float64Array(box.lower.length);
  for (let i = 0; i < lower.length; i++) {
    const w = box.upper[i] - box.lower[i];
    const a = box.lower[i] + u() * w * 0.7;
    lower[i] = a;
    upper[i] = Math.min(box.upper[i], a + (0.1 + 0.5 * u()) * w);
  }
  return { lower, upper };
}

/**
 * A batch as the search makes it: some root boxes, some sub-boxes with their parent's bounds as
 * prior, some with ReLU splits fixed to the sign they take at a point of the box.
 */
function makeBatch(sizes: readonly number[], seed: number): BatchDomain[] {
  const net = randomNetwork(sizes, seed);
  const u = data.createRng(seed + 1);
  const domains: BatchDomain[] = [];
  for (let b = 0; b < 12; b++) {
    const root = randomBox(sizes[0], seed + 10 + b, b % 3 === 0 ? 2 : 0.6);
    if (b % 4 === 1) {
      domains.push({ box: subBox(root, u), prior: intermediateBounds(net, root) });
    } else if (b % 4 === 2) {
      const splits = freeSplits(sizes.slice(1, -1));
      const { pre } = referenceForward(net, samplePoint(root, u));
      for (let q = 0; q < 3; q++) {
        const k = Math.floor(u() * splits.length);
        const i = Math.floor(u() * splits[k].length);
        splits[k][i] = pre[k][i] > 0 ? 1 : 0;
      }
      domains.push({ box: root, splits });
    } else domains.push({ box: root });
  }
  return domains;
}

/** Whether x lies in the domain (its box, and the side of each split ReLU). */
function inDomain(pre: number[][], d: BatchDomain): boolean {
  return !d.splits || pre.every((z, k) => z.every((v, i) => d.splits![k][i] === -1 || (d.splits![k][i] === 1 ? v >= 0 : v <= 0)));
}

function within(pre: number[][], b: LayerBounds): boolean {
  return pre.every((z, k) => z.every((v, i) => v >= b.lower[k][i] - TOL && v <= b.upper[k][i] + TOL));
}

describe('batched bounds', () => {
  const shapes = [[2, 8, 6, 3], [5, 12, 12, 12, 5]];
  for (const [s, sizes] of shapes.entries()) {
    for (const method of ['ibp', 'forward', 'crown'] as IntermediateMethod[]) {
      it(`${sizes.join('-')}, ${method}: every domain's bounds contain its sampled points and equal the one-domain computation`, () => {
        const seed = 900 + 37 * s;
        const net = randomNetwork(sizes, seed);
        const domains = makeBatch(sizes, seed);
        const batched = batchedIntermediateBounds(net, domains, method);
        const u = data.createRng(seed + 5);
        domains.forEach((d, b) => {
          const single = intermediateBounds(net, d.box, d.splits, method, d.prior);
          expect(batched[b].lower).toEqual(single.lower);
          expect(batched[b].upper).toEqual(single.upper);
          let used = 0;
          for (let p = 0; p < 600; p++) {
            const { pre } = referenceForward(net, samplePoint(d.box, u));
            if (!inDomain(pre, d)) continue;
            used++;
            expect(within(pre, batched[b])).toBe(true);
          }
          expect(used).toBeGreaterThan(20);
        });
      });
    }

    it(`${sizes.join('-')}: batched CROWN objective bounds are below every sampled value and equal the one-domain ones`, () => {
      const seed = 1300 + 41 * s;
      const net = randomNetwork(sizes, seed);
      const domains = makeBatch(sizes, seed);
      const layers = batchedIntermediateBounds(net, domains, 'crown');
      const u = data.createRng(seed + 3);
      const out = sizes[sizes.length - 1];
      // Different rows per domain, as the blocks of one backward pass.
      const blocks = domains.map((d, b) => {
        const m = 1 + (b % 3);
        return { box: d.box, bounds: layers[b], splits: d.splits, rows: Float64Array.from({ length: m * out }, () => 2 * u() - 1), rowConst: Float64Array.from({ length: m }, () => u() - 0.5) };
      });
      const res = batchedBackwardLowerBound(net, blocks, net.layers.length - 1);
      blocks.forEach((blk, b) => {
        const single = backwardLowerBound(net, blk.box, blk.bounds, blk.splits, net.layers.length - 1, blk.rows, blk.rowConst);
        expect(res[b].lower).toEqual(single.lower);
        expect(res[b].inputCoeffs).toEqual(single.inputCoeffs);
        const m = blk.rowConst.length;
        for (let p = 0; p < 600; p++) {
          const x = samplePoint(blk.box, u);
          const { pre, out: y } = referenceForward(net, x);
          if (!inDomain(pre, domains[b])) continue;
          for (let r = 0; r < m; r++) {
            const f = y.reduce((acc, v, i) => acc + blk.rows[r * out + i] * v, blk.rowConst[r]);
            expect(f).toBeGreaterThanOrEqual(res[b].lower[r] - TOL);
            // The linear function itself lower-bounds f at x.
            const lin = x.reduce((acc, v, i) => acc + res[b].inputCoeffs[r * sizes[0] + i] * v, res[b].constant[r]);
            expect(f).toBeGreaterThanOrEqual(lin - TOL);
          }
        }
      });
    });

    it(`${sizes.join('-')}: boundDomains (forward bounds first, then CROWN; and forward bounds alone) never exceeds a sampled clause value, and equals plain CROWN wherever the cheap pass leaves a clause open`, async () => {
      const seed = 1700 + 43 * s;
      const net = randomNetwork(sizes, seed);
      const domains = makeBatch(sizes, seed);
      const u = data.createRng(seed + 9);
      const out = sizes[sizes.length - 1];
      const raw = [0, 1, 2].map(() => [0, 1].map(() => ({ coeffs: Float64Array.from({ length: out }, () => 2 * u() - 1), constant: u() - 0.3, strict: false })));
      // Shift each clause so that the domain with the best forward-pass bound is just refuted by it
      // and the others are not: both paths of cheapFirst are then taken whatever the random draw.
      const forwardOnly = await boundDomains(net, domains, raw, { method: 'crown', intermediate: 'forward' });
      const best = forwardOnly.reduce((bi, fb, b) => (fb.clauses[0].lower > forwardOnly[bi].clauses[0].lower ? b : bi), 0);
      const clauses = raw.map((clause, c) => {
        const lower = forwardOnly[best].clauses[c].lower;
        const shift = -lower + 1e-6 * (1 + Math.abs(lower));
        return clause.map((k) => ({ ...k, constant: k.constant + shift }));
      });
      const cheapFirst = await boundDomains(net, domains, clauses, { method: 'crown', cheapFirst: true });
      const plain = await boundDomains(net, domains, clauses, { method: 'crown' });
      let cheaplyRefuted = 0;
      domains.forEach((d, b) => {
        // A domain that the cheap pass leaves open gets exactly the plain CROWN bounds.
        if (cheapFirst[b].clauses.every((cb) => cb.lower > 0)) cheaplyRefuted++;
        else expect(cheapFirst[b].clauses.map((cb) => cb.lower)).toEqual(plain[b].clauses.map((cb) => cb.lower));
        for (let p = 0; p < 600; p++) {
          const { pre, out: y } = referenceForward(net, samplePoint(d.box, u));
          if (!inDomain(pre, d)) continue;
          clauses.forEach((clause, c) => {
            // The clause's bound is a lower bound of its largest constraint value.
            const worst = Math.max(...clause.map((k) => y.reduce((acc, v, i) => acc + k.coeffs[i] * v, k.constant)));
            expect(worst).toBeGreaterThanOrEqual(cheapFirst[b].clauses[c].lower - TOL);
            // The forward-intermediate path (what strong input branching scores halves with) too.
            const rawWorst = Math.max(...raw[c].map((k) => y.reduce((acc, v, i) => acc + k.coeffs[i] * v, k.constant)));
            expect(rawWorst).toBeGreaterThanOrEqual(forwardOnly[b].clauses[c].lower - TOL);
          });
        }
      });
      // Both paths were taken.
      expect(cheaplyRefuted).toBeGreaterThan(0);
      expect(cheaplyRefuted).toBeLessThan(domains.length);
    });
  }

  it("a domain's linear clause bounds, re-minimised over sub-boxes, stay below every sampled value there and rise as the box shrinks", async () => {
    const sizes = [5, 12, 12, 12, 5];
    const net = randomNetwork(sizes, 2100);
    const u = data.createRng(2101);
    let checked = 0;
    let linear = 0;
    for (let trial = 0; trial < 6; trial++) {
      const parent = randomBox(5, 2200 + trial, 1);
      const clauses = [0, 1].map(() => [{ coeffs: Float64Array.from({ length: 5 }, () => 2 * u() - 1), constant: u() - 0.5, strict: false }]);
      const bound = await boundDomain(net, parent, undefined, clauses, { method: 'crown' });
      for (let c = 0; c < 8; c++) {
        const child = subBox(parent, u);
        bound.clauses.forEach((cb, j) => {
          const lower = linearLowerOn(cb, child);
          if (cb.linear) linear++;
          // A sub-box only raises the minimum (no linear bound, e.g. refuted by intervals alone: −∞).
          expect(lower).toBeGreaterThanOrEqual(linearLowerOn(cb, parent));
          for (let p = 0; p < 200; p++) {
            const { out: y } = referenceForward(net, samplePoint(child, u));
            const f = y.reduce((acc, v, i) => acc + clauses[j][0].coeffs[i] * v, clauses[j][0].constant);
            expect(f).toBeGreaterThanOrEqual(lower - TOL);
            checked++;
          }
        });
      }
    }
    expect(checked).toBe(6 * 8 * 2 * 200);
    expect(linear).toBeGreaterThan(6 * 8);
  });
});
