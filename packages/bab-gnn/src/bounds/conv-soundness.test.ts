import { describe, expect, it } from 'vitest';
import { boundDomain } from '../bab/bound-domain';
import { babsrScores } from '../branching/babsr';
import { exactForward } from '../exact/replay';
import { dyadicToRational, ratToNumber } from '../exact/rational';
import { outputGradient } from '../network/gradient';
import { forward } from '../network/network';
import { data } from '@nnlab/tensor-gpu';
import { denseTwin, randomConvNetwork } from '../testing/conv-network.test-helper';
import { randomBox, referenceForward, samplePoint } from '../testing/random-network.test-helper';
import { batchedIntermediateBounds } from './batched-intermediate';
import { convThroughAffine } from './conv-backward';
import { denseOfConv } from '../testing/conv-network.test-helper';
import { isConv } from '../network/network';
import { backwardLowerBound, intermediateBounds } from './crown';
import { ibpBounds } from './ibp';
import { priorOrUnbounded } from './prior-bounds';
import { batchedAlphaBound } from './alpha-batched';
import { freeSplits, type LayerBounds } from './types';

const TOL = 1e-9;
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-9) => {
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i])));
};
const inside = (pre: number[][], b: LayerBounds) => pre.every((z, k) => z.every((v, i) => v >= b.lower[k][i] - TOL && v <= b.upper[k][i] + TOL));

const nets = [
  () => randomConvNetwork([2, 6, 6], [{ outChannels: 3, kernel: 3, stride: 2, padding: 1 }, { outChannels: 4, kernel: 2, stride: 1, padding: 0 }], [5, 3], 11),
  () => randomConvNetwork([3, 8, 8], [{ outChannels: 4, kernel: 4, stride: 2, padding: 1 }, { outChannels: 5, kernel: 4, stride: 2, padding: 1 }], [6, 4], 12),
  () => randomConvNetwork([1, 5, 7], [{ outChannels: 2, kernel: 3, stride: 1, padding: 2 }], [4, 2], 13),
];

describe('the backward step through a convolution', () => {
  it('equals Λ·W and Λ·bias of the dense matrix, for mostly-zero and for dense coefficients', () => {
    const layer = nets[1]().layers[1];
    if (!isConv(layer)) throw new Error('expected a convolution');
    const dense = denseOfConv(layer);
    const u = data.createRng(7);
    for (const density of [0.02, 0.9]) {
      const R = 6;
      const lambda = Float64Array.from({ length: R * layer.outSize }, () => (u() < density ? 2 * u() - 1 : 0));
      const constant = new Float64Array(R);
      const magnitude = new Float64Array(R);
      const next = convThroughAffine(layer, lambda, R, constant, magnitude);
      for (let r = 0; r < R; r++) {
        let c = 0;
        for (let i = 0; i < layer.outSize; i++) c += lambda[r * layer.outSize + i] * dense.bias[i];
        expect(constant[r]).toBeCloseTo(c, 12);
        for (let j = 0; j < layer.inSize; j++) {
          let v = 0;
          for (let i = 0; i < layer.outSize; i++) v += lambda[r * layer.outSize + i] * dense.weights[i * layer.inSize + j];
          expect(next[r * layer.inSize + j]).toBeCloseTo(v, 12);
        }
      }
    }
  });
});

describe('convolutional layers against their dense twins (the dense matrix built in the test only)', () => {
  for (const [q, make] of nets.entries()) {
    it(`network ${q}: forward pass, exact replay, gradient, IBP, forward, CROWN bounds and BaBSR scores agree`, () => {
      const net = make();
      const dense = denseTwin(net);
      const u = data.createRng(40 + q);
      const box = randomBox(net.inputSize, 50 + q, 0.6);
      const x = samplePoint(box, u);
      close(forward(net, x), referenceForward(dense, x).out);
      close(exactForward(net, x).map((v) => ratToNumber(dyadicToRational(v))), forward(dense, x), 1e-12);
      const c = Float64Array.from({ length: net.outputSize }, () => 2 * u() - 1);
      close(outputGradient(net, x, c).gradient, outputGradient(dense, x, c).gradient);
      const splits = freeSplits(net.layers.slice(0, -1).map((l) => l.outSize));
      splits[0][1] = 1;
      splits[1][0] = 0;
      const ibp = ibpBounds(net, box, splits);
      const ibpDense = ibpBounds(dense, box, splits);
      ibp.lower.forEach((l, k) => { close(l, ibpDense.lower[k]); close(ibp.upper[k], ibpDense.upper[k]); });
      const fwd = intermediateBounds(net, box, splits, 'forward');
      const fwdDense = intermediateBounds(dense, box, splits, 'forward');
      fwd.lower.forEach((l, k) => { close(l, fwdDense.lower[k]); close(fwd.upper[k], fwdDense.upper[k]); });
      // CROWN on a conv network starts from priors and IBP: the dense twin is run the same way.
      const crown = intermediateBounds(net, box, splits, 'crown');
      const crownDense = batchedIntermediateBounds(dense, [{ box, splits }], 'crown', undefined, priorOrUnbounded(dense, [{}]))[0];
      crown.lower.forEach((l, k) => { close(l, crownDense.lower[k]); close(crown.upper[k], crownDense.upper[k]); });
      const rows = Float64Array.from({ length: 2 * net.outputSize }, () => 2 * u() - 1);
      const rowConst = Float64Array.from([0.1, -0.2]);
      const last = net.layers.length - 1;
      const out = backwardLowerBound(net, box, crown, splits, last, rows, rowConst);
      const outDense = backwardLowerBound(dense, box, crown, splits, last, rows, rowConst);
      close(out.lower, outDense.lower);
      close(out.inputCoeffs, outDense.inputCoeffs);
      const s = babsrScores(net, crown, splits, c);
      const sDense = babsrScores(dense, crown, splits, c);
      s.scores.forEach((v, k) => { close(v, sDense.scores[k]); close(s.intercepts[k], sDense.intercepts[k]); });
    });

    it(`network ${q}: IBP, forward, CROWN and host α-CROWN bounds contain every sampled point's pre-activations and objective, with and without splits`, async () => {
      const net = make();
      const dense = denseTwin(net);
      let alphaGains = 0;
      for (let trial = 0; trial < 3; trial++) {
        const u = data.createRng(100 * q + trial);
        const box = randomBox(net.inputSize, 200 * q + trial, trial === 2 ? 1.5 : 0.4);
        const splits = freeSplits(net.layers.slice(0, -1).map((l) => l.outSize));
        if (trial > 0) {
          // Fix a few ReLUs to the sign they take at a random point (so the subdomain is not empty).
          const { pre } = referenceForward(dense, samplePoint(box, u));
          for (let r = 0; r < 4; r++) {
            const k = Math.floor(u() * splits.length);
            const i = Math.floor(u() * splits[k].length);
            splits[k][i] = pre[k][i] > 0 ? 1 : 0;
          }
        }
        const rows = Float64Array.from({ length: 2 * net.outputSize }, () => 2 * u() - 1);
        const rowConst = Float64Array.from([0.3, -0.1]);
        const ibp = ibpBounds(net, box, splits);
        const fwd = intermediateBounds(net, box, splits, 'forward');
        const crownLayers = intermediateBounds(net, box, splits, 'crown');
        const crown = backwardLowerBound(net, box, crownLayers, splits, net.layers.length - 1, rows, rowConst);
        const clause = [0, 1].map((r) => ({ coeffs: rows.slice(r * net.outputSize, (r + 1) * net.outputSize), constant: rowConst[r], strict: false }));
        const domain = await boundDomain(net, box, splits, [clause], { method: 'alpha-crown' });
        const [alpha] = batchedAlphaBound(net, [{ box, bounds: crownLayers, splits, rows, rowConst }], { iterations: 10, update: 'sign', beta: false });
        for (let r = 0; r < 2; r++) {
          expect(alpha.lower[r]).toBeGreaterThanOrEqual(crown.lower[r] - 1e-12);
          if (alpha.lower[r] > crown.lower[r] + 1e-9) alphaGains++;
        }
        let used = 0;
        for (let p = 0; p < 400; p++) {
          const x = samplePoint(box, u);
          const { pre, out } = referenceForward(dense, x);
          if (!pre.every((z, k) => z.every((v, i) => splits[k][i] === -1 || (splits[k][i] === 1 ? v >= 0 : v <= 0)))) continue;
          used++;
          expect(inside(pre, ibp)).toBe(true);
          expect(inside(pre, fwd)).toBe(true);
          expect(inside(pre, crownLayers)).toBe(true);
          const f = [0, 1].map((r) => out.reduce((acc, y, i) => acc + rows[r * net.outputSize + i] * y, rowConst[r]));
          for (let r = 0; r < 2; r++) expect(f[r]).toBeGreaterThanOrEqual(crown.lower[r] - TOL);
          for (let r = 0; r < 2; r++) expect(f[r]).toBeGreaterThanOrEqual(alpha.lower[r] - TOL);
          expect(Math.max(...f)).toBeGreaterThanOrEqual(domain.clauses[0].lower - TOL);
        }
        expect(used).toBeGreaterThan(20);
      }
      // The host α-CROWN search improves on CROWN somewhere (never below it).
      if (q < 2) expect(alphaGains).toBeGreaterThan(0);
    });
  }
});
