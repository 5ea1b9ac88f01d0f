import { describe, expect, it } from 'vitest';
import { randomConvNetwork } from '../testing/conv-network.test-helper';
import { randomBox, randomNetwork } from '../testing/random-network.test-helper';
import { hiddenSizes, type ReluNetwork } from '../network/network';
import { batchedIntermediateBounds, priorFinalThrough } from './batched-intermediate';
import { freeSplits } from './types';

function childOfAmbiguous(net: ReluNetwork, seed: number) {
  const box = randomBox(net.inputSize, seed, 0.8);
  const parent = batchedIntermediateBounds(net, [{ box }], 'crown')[0];
  const splits = freeSplits(hiddenSizes(net));
    // The first or (odd seeds) the last layer that has an ambiguous ReLU.
  const order = hiddenSizes(net).map((_, k) => k);
  if (seed % 2) order.reverse();
  for (const k of order) {
    const i = parent.lower[k].findIndex((l, j) => l < 0 && parent.upper[k][j] > 0);
    if (i >= 0) {
      splits[k][i] = seed % 2;
      return { box, parent, splits, layer: k };
    }
  }
  throw new Error('no ambiguous ReLU');
}

describe('a ReLU-split child keeps its parent bounds up to the split layer', () => {
  const nets: [string, () => ReluNetwork][] = [
    ['dense', () => randomNetwork([4, 12, 12, 10, 3], 3)],
    ['conv', () => randomConvNetwork([2, 6, 6], [{ outChannels: 3, kernel: 3, stride: 2, padding: 1 }, { outChannels: 4, kernel: 2, stride: 1, padding: 0 }], [5, 3], 21)],
  ];
  for (const [name, make] of nets) {
    it(`${name}: up to the split layer as tight as recomputing them, and inside the parent's bounds at every layer`, () => {
      const net = make();
      for (const seed of [1, 2, 5, 6]) {
        const { box, parent, splits, layer } = childOfAmbiguous(net, seed);
        expect(priorFinalThrough({ box, splits, prior: parent })).toBe(layer);
        expect(priorFinalThrough({ box, splits })).toBe(-1);
        const reused = batchedIntermediateBounds(net, [{ box, splits, prior: parent }], 'crown')[0];
        const fresh = batchedIntermediateBounds(net, [{ box, splits }], 'crown')[0];
        // Up to the split layer the child's own computation would repeat the parent's: the kept
        // bounds are those (equal on a conv net, where CROWN starts from the prior; on a dense net the
        // prior also tightens the forward bounds). Every layer stays inside the parent's bounds.
        const tol = (v: number) => 1e-9 * (1 + Math.abs(v));
        for (let k = 0; k < fresh.lower.length; k++) {
          for (let i = 0; i < fresh.lower[k].length; i++) {
            expect(reused.lower[k][i]).toBeGreaterThanOrEqual(parent.lower[k][i]);
            expect(reused.upper[k][i]).toBeLessThanOrEqual(parent.upper[k][i]);
            if (k > layer) continue;
            expect(reused.lower[k][i]).toBeGreaterThanOrEqual(fresh.lower[k][i] - tol(fresh.lower[k][i]));
            expect(reused.upper[k][i]).toBeLessThanOrEqual(fresh.upper[k][i] + tol(fresh.upper[k][i]));
            // (A split ReLU gets no CROWN bound of its own: the kept one is tighter there.)
            if (name === 'conv' && splits[k][i] === -1) {
              expect(Math.abs(reused.lower[k][i] - fresh.lower[k][i])).toBeLessThanOrEqual(tol(fresh.lower[k][i]));
              expect(Math.abs(reused.upper[k][i] - fresh.upper[k][i])).toBeLessThanOrEqual(tol(fresh.upper[k][i]));
            }
          }
        }
      }
    });
  }
});
