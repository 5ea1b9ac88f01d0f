import { describe, expect, it } from 'vitest';
import { batchedIntermediateBounds } from '../bounds/batched-intermediate';
import { randomBox, randomNetwork } from '../testing/random-network.test-helper';
import { boundDomain } from './bound-domain';
import { chooseInputDimensionsByBounds } from './input-branching';
import { bisectBox } from './input-split';

describe('chooseInputDimensionsByBounds', () => {
  it('picks, per domain, the dimension whose worse half has the best bound, as bounding each half alone says', async () => {
    const net = randomNetwork([4, 10, 10, 3], 5);
    const clauses = [[{ coeffs: Float64Array.from([1, -1, 0]), constant: 0.2, strict: false }], [{ coeffs: Float64Array.from([0, 1, -1]), constant: 0.1, strict: false }]];
    const domains = [0, 1, 2].map((s) => {
      const box = randomBox(4, 300 + s, 1);
      return { box, prior: batchedIntermediateBounds(net, [{ box }])[0], lowers: [-Infinity, -Infinity] };
    });
    const dims = await chooseInputDimensionsByBounds(net, domains, clauses);
    for (let b = 0; b < domains.length; b++) {
      // Reference: each half bounded on its own by the same cheap pass.
      const worse: number[] = [];
      for (let i = 0; i < 4; i++) {
        const halves = await Promise.all(bisectBox(domains[b].box, i).map((box) => boundDomain(net, box, undefined, clauses, { method: 'crown', intermediate: 'forward' }, { prior: domains[b].prior })));
        const value = (h: (typeof halves)[number]) => (h.clauses.every((c) => c.lower > 0) ? Infinity : Math.min(...h.clauses.map((c) => c.lower)));
        worse.push(Math.min(...halves.map(value)));
      }
      expect(worse[dims[b]!]).toBe(Math.max(...worse));
    }
  });

  it('gives null for a domain that cannot be halved in any dimension', async () => {
    const net = randomNetwork([2, 4, 1], 1);
    const box = { lower: Float64Array.from([0.5, 0.25]), upper: Float64Array.from([0.5, 0.25]) };
    const dims = await chooseInputDimensionsByBounds(net, [{ box, prior: batchedIntermediateBounds(net, [{ box }])[0], lowers: [-1] }], [[{ coeffs: Float64Array.from([1]), constant: 0, strict: false }]]);
    expect(dims).toEqual([null]);
  });
});
