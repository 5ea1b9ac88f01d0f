import { describe, expect, it } from 'vitest';
import { forward } from '../network/network';
import { expectedAcasXuVerdict } from '../node/acasxu-instances';
import { readAcasXuNetwork, readAcasXuProperty } from '../node/acasxu';
import { clauseSatisfied, inBox } from '../properties/spec';
import { acasXuData, requirePresent } from '../testing/shared-data.test-helper';
import { verify } from './verify';

const data = acasXuData();

// A representative subset that this machine decides within the test budget: every property kind
// among φ1–φ4, both verdicts, the counterexamples of N1,2 and N1,3 φ2 (which the first attack
// misses: found by the search or the escalated attack) and of N1,7–N1,9. The full list runs in
// the lab experiment and the bench script.
const subset: [number, number, number][] = [
  [1, 5, 1], [2, 2, 4], [2, 5, 3],
  [2, 1, 2], [1, 2, 2], [1, 3, 2], [1, 7, 3], [1, 8, 4], [1, 9, 3],
];

describe.skipIf(data.skip)('ACAS Xu verdicts (data README §5)', () => {
  for (const [x, y, p] of subset) {
    const expected = expectedAcasXuVerdict({ x, y, property: p });
    it(`N${x},${y} φ${p}: ${expected}`, async () => {
      requirePresent(data);
      const net = readAcasXuNetwork(data.dir, x, y).network;
      const spec = readAcasXuProperty(data.dir, p);
      const result = await verify(net, spec, { timeout: 90 });
      expect(result.status).toBe(expected);
      if (result.status === 'violated') {
        // Replay the counterexample independently: inside the box (1e-6) and unsafe on the .nnet network.
        const cex = result.counterexample!;
        const region = spec.regions[cex.region];
        expect(inBox(region, cex.input, 1e-6)).toBe(true);
        const out = forward(net, cex.input);
        expect(region.clauses.some((clause) => clauseSatisfied(clause, out))).toBe(true);
      }
    }, 120_000);
  }
});
