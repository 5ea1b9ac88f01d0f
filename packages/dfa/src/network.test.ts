import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDfa } from './network';
import { mlpForwardFloat64, mlpUpdatesFloat64, type Float64Rules } from './reference/float64-mlp';
import { hashFloats, nullSpacePerturbation, randomMlp, randomValues, readAll, relativeError, toSequential, transposed } from './testing/mlp.test-helper';
import type { LayerRule } from './options';

const n = 8;
const labelsOf = (count: number, c: number) => Array.from({ length: count }, (_, i) => (i * 7 + 3) % c);

/** Weight and bias gradients of a tensor-gpu gradient list (Linear layers: weight, bias, ...). */
function split(grads: Float32Array[]): { w: Float32Array[]; b: Float32Array[] } {
  return { w: grads.filter((_, i) => i % 2 === 0), b: grads.filter((_, i) => i % 2 === 1) };
}

function smallCnn(seed: number): t.nn.Sequential {
  return new t.nn.Sequential(
    new t.nn.Conv2d(2, 3, 3, { padding: 1, seed }),
    new t.nn.ReLU(),
    new t.nn.MaxPool2d(2),
    new t.nn.Conv2d(3, 4, 3, { padding: 1, seed: seed + 1 }),
    new t.nn.Tanh(),
    new t.nn.Flatten(),
    new t.nn.Linear(4 * 3 * 3, 12, { seed: seed + 2 }),
    new t.nn.Tanh(),
    new t.nn.Linear(12, 5, { seed: seed + 3 }),
  );
}

describe('DfaNetwork on tensor-gpu (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  const cases: { name: string; rules: LayerRule[]; boundaryFeed?: 'dfa-delta' | 'bp-delta'; activation: 'tanh' | 'relu' }[] = [
    { name: 'all DFA, tanh', rules: ['dfa', 'dfa'], activation: 'tanh' },
    { name: 'all DFA, relu', rules: ['dfa', 'dfa'], activation: 'relu' },
    { name: 'all BP', rules: ['bp', 'bp'], activation: 'tanh' },
    { name: 'BP below DFA, dfa-delta', rules: ['bp', 'dfa'], activation: 'tanh' },
    { name: 'BP below DFA, bp-delta', rules: ['bp', 'dfa'], boundaryFeed: 'bp-delta', activation: 'tanh' },
    { name: 'DFA below BP', rules: ['dfa', 'bp'], activation: 'relu' },
  ];
  for (const c of cases) {
    it(`float32 gradients match the float64 reference: ${c.name}`, async () => {
      await t.expectNoLeaks(async () => {
        const ref = randomMlp([7, 11, 9, 4], 5, c.activation);
        const model = toSequential(ref);
        const feedback = c.rules.map((r, l) => (r === 'dfa' ? randomValues(ref.sizes[l + 1] * 4, 50 + l, 0.5) : null));
        const net = createDfa(model, { seed: 1, inputShape: [7], rules: c.rules, boundaryFeed: c.boundaryFeed, feedbackValues: feedback });
        const xs = randomValues(n * 7, 6);
        const labels = labelsOf(n, 4);
        const x = t.tensor(Float32Array.from(xs), [n, 7]);
        const { loss, grads } = net.gradients(x, labels);
        const got = split(await readAll(grads));
        const want = mlpUpdatesFloat64(ref, xs, labels, { rules: c.rules, feedback, boundaryFeed: c.boundaryFeed } as Float64Rules);
        expect(Math.abs((await loss.data())[0] - want.loss)).toBeLessThan(1e-5);
        for (let l = 0; l < 3; l++) {
          expect(relativeError(got.w[l], want.weightGrads[l])).toBeLessThan(2e-5);
          expect(relativeError(got.b[l], want.biasGrads[l])).toBeLessThan(2e-5);
        }
        t.dispose([x, loss]);
        net.dispose();
        model.dispose();
      });
    });
  }

  it('one hidden layer with B₁ := W₂ᵀ: the DFA update equals BP’s at float32 tolerance', async () => {
    await t.expectNoLeaks(async () => {
      const ref = randomMlp([10, 16, 6], 7);
      const model = toSequential(ref);
      const net = createDfa(model, { seed: 1, inputShape: [10], rules: 'dfa', feedbackValues: [transposed(ref.weights[1], 6, 16)] });
      const x = t.tensor(Float32Array.from(randomValues(n * 10, 8)), [n, 10]);
      const labels = labelsOf(n, 6);
      const dfaResult = net.gradients(x, labels);
      const dfa = await readAll(dfaResult.grads);
      dfaResult.loss.dispose();
      const bpResult = net.backpropGradients(x, labels);
      const bp = await readAll(bpResult.grads);
      dfa.forEach((g, i) => expect(relativeError(g, bp[i])).toBeLessThan(1e-6));
      t.dispose([x, bpResult.loss]);
      net.dispose();
      model.dispose();
    });
  });

  it('with no DFA block the step is back-propagation bit for bit (MLP and CNN)', async () => {
    await t.expectNoLeaks(async () => {
      for (const [model, shape] of [[toSequential(randomMlp([6, 9, 8, 3], 9)), [6]], [smallCnn(3), [2, 6, 6]]] as const) {
        const x = t.rand([n, ...shape], { seed: 4 });
        const labels = labelsOf(n, model === undefined ? 0 : (model.at(-1) as t.nn.Linear).outFeatures);
        const net = createDfa(model, { seed: 1, inputShape: shape, rules: 'bp' });
        const ours = net.gradients(x, labels);
        const plain = t.valueAndGrad((..._w: t.Tensor[]) => t.crossEntropy(model.forward(x), labels))(...model.parameters().map((p) => p.value));
        const a = await readAll([ours.loss, ...ours.grads]);
        const b = await readAll([plain.value, ...plain.grads]);
        a.forEach((g, i) => expect(Array.from(g)).toEqual(Array.from(b[i])));
        x.dispose();
        net.dispose();
        model.dispose();
      }
    });
  });

  it('the output layer takes its true gradient, bit for bit, in every mode (CNN)', async () => {
    await t.expectNoLeaks(async () => {
      const model = smallCnn(5);
      const x = t.rand([n, 2, 6, 6], { seed: 5 });
      const labels = labelsOf(n, 5);
      const bpNet = createDfa(model, { seed: 1, inputShape: [2, 6, 6], rules: 'bp' });
      const bpResult = bpNet.gradients(x, labels);
      const bp = await readAll(bpResult.grads);
      bpResult.loss.dispose();
      const modes = [
        { rules: 'dfa' as const },
        { rules: 'hybrid' as const },
        { rules: 'hybrid' as const, binary: true },
        { rules: 'hybrid' as const, boundaryFeed: 'bp-delta' as const },
        { rules: 'dfa' as const, feedback: 'pattern' as const },
      ];
      for (const mode of modes) {
        const net = createDfa(model, { seed: 2, inputShape: [2, 6, 6], ...mode });
        const result = net.gradients(x, labels);
        const g = await readAll(result.grads);
        result.loss.dispose();
        expect(Array.from(g[g.length - 2])).toEqual(Array.from(bp[bp.length - 2]));
        expect(Array.from(g[g.length - 1])).toEqual(Array.from(bp[bp.length - 1]));
        // and the hidden layers do differ from BP (the modes are real).
        expect(relativeError(g[4], bp[4])).toBeGreaterThan(1e-3);
        net.dispose();
      }
      x.dispose();
      bpNet.dispose();
      model.dispose();
    });
  });

  it('hybrid with bp-delta gives the conv blocks exactly BP’s gradients; dfa-delta does not', async () => {
    await t.expectNoLeaks(async () => {
      const model = smallCnn(7);
      const x = t.rand([n, 2, 6, 6], { seed: 6 });
      const labels = labelsOf(n, 5);
      const bpResult = createDfa(model, { seed: 1, inputShape: [2, 6, 6], rules: 'bp' }).gradients(x, labels);
      const bp = await readAll(bpResult.grads);
      bpResult.loss.dispose();
      const withBp = createDfa(model, { seed: 1, inputShape: [2, 6, 6], rules: 'hybrid', boundaryFeed: 'bp-delta' });
      const withDfa = createDfa(model, { seed: 1, inputShape: [2, 6, 6], rules: 'hybrid' });
      expect(withBp.rules).toEqual(['bp', 'bp', 'dfa']);
      const a = withBp.gradients(x, labels);
      const b = withDfa.gradients(x, labels);
      const ga = await readAll(a.grads);
      const gb = await readAll(b.grads);
      for (let i = 0; i < 4; i++) {
        expect(relativeError(ga[i], bp[i])).toBeLessThan(1e-6);
        expect(relativeError(gb[i], bp[i])).toBeGreaterThan(1e-3);
      }
      // The FC block is DFA in both and gets the same update.
      expect(Array.from(ga[4])).toEqual(Array.from(gb[4]));
      t.dispose([x, a.loss, b.loss]);
      withBp.dispose();
      withDfa.dispose();
      model.dispose();
    });
  });

  it('a DFA layer’s update does not change when W_{l+1} is perturbed without changing e', async () => {
    await t.expectNoLeaks(async () => {
      const ref = randomMlp([7, 11, 9, 4], 12);
      const xs = randomValues(n * 7, 13);
      const labels = labelsOf(n, 4);
      const { h } = mlpForwardFloat64(ref, xs, n);
      const p = nullSpacePerturbation(h[1], n, 11, 9, 14);
      const moved = { ...ref, weights: [ref.weights[0], ref.weights[1].map((v, i) => Math.fround(v + p[i])), ref.weights[2]] };
      const x = t.tensor(Float32Array.from(xs), [n, 7]);
      const grads = async (r: typeof ref, rules: 'dfa' | 'bp') => {
        const model = toSequential(r);
        const net = createDfa(model, { seed: 3, inputShape: [7], rules });
        const out = net.gradients(x, labels);
        out.loss.dispose();
        const g = await readAll(out.grads);
        net.dispose();
        model.dispose();
        return g;
      };
      const [before, after] = [await grads(ref, 'dfa'), await grads(moved, 'dfa')];
      expect(relativeError(after[0], before[0])).toBeLessThan(1e-5);
      const [bpBefore, bpAfter] = [await grads(ref, 'bp'), await grads(moved, 'bp')];
      expect(relativeError(bpAfter[0], bpBefore[0])).toBeGreaterThan(1e-2);
      x.dispose();
    });
  });

  it('feedback matrices are fixed for the run, reproducible from the seed and not parameters', async () => {
    await t.expectNoLeaks(async () => {
      const model = toSequential(randomMlp([6, 9, 8, 3], 15));
      const net = createDfa(model, { seed: 77, inputShape: [6], rules: 'dfa', feedback: 'gaussian' });
      const hashes = async () => Promise.all(net.feedback.map(async (f) => hashFloats(await f!.weights.data())));
      const before = await hashes();
      expect(before.map((_, i) => hashFloats(net.feedback[i]!.values))).toEqual(before);
      const optimizer = t.optim.sgd({ lr: 0.1, momentum: 0.9 });
      const x = t.rand([n, 6], { seed: 16 });
      const w0 = await model.parameters()[0].value.data();
      for (let i = 0; i < 5; i++) net.step(x, labelsOf(n, 3), optimizer).dispose();
      expect(relativeError(await model.parameters()[0].value.data(), w0)).toBeGreaterThan(1e-4);
      expect(await hashes()).toEqual(before);
      const params = new Set(net.parameters().map((p) => p.value));
      for (const f of net.feedback) expect(params.has(f!.weights)).toBe(false);
      const again = createDfa(model, { seed: 77, inputShape: [6], rules: 'dfa', feedback: 'gaussian' });
      const other = createDfa(model, { seed: 78, inputShape: [6], rules: 'dfa', feedback: 'gaussian' });
      expect(again.feedback.map((f) => hashFloats(f!.values))).toEqual(before);
      expect(other.feedback.map((f) => hashFloats(f!.values))).not.toEqual(before);
      t.dispose([x]);
      optimizer.dispose();
      for (const d of [net, again, other]) d.dispose();
      model.dispose();
    });
  });

  it('binary feedback: entries exactly ±c, c² the variance of the real-valued default, signs of the real draw', async () => {
    await t.expectNoLeaks(async () => {
      const model = toSequential(randomMlp([6, 40, 25, 3], 17));
      const real = createDfa(model, { seed: 5, inputShape: [6], rules: 'dfa' });
      const binary = createDfa(model, { seed: 5, inputShape: [6], rules: 'dfa', binary: true });
      const c = 1 / Math.sqrt(3 * 40);
      for (let l = 0; l < 2; l++) {
        const b = binary.feedback[l]!;
        expect(b.binaryScale).toBeCloseTo(c, 12);
        const cf = Math.fround(c);
        expect(Array.from(b.values).every((v) => v === cf || v === -cf)).toBe(true);
        expect(Array.from(await b.weights.data()).every((v) => v === cf || v === -cf)).toBe(true);
        const r = real.feedback[l]!.values;
        expect(Array.from(b.values).every((v, i) => Math.sign(v) === (r[i] >= 0 ? 1 : -1))).toBe(true);
        // The uniform default U[−1, 1)/√N has variance 1/(3N) = c².
        const variance = r.reduce((s, v) => s + v * v, 0) / r.length;
        expect(variance).toBeGreaterThan(0.8 * c * c);
        expect(variance).toBeLessThan(1.2 * c * c);
      }
      const custom = createDfa(model, { seed: 5, inputShape: [6], rules: 'dfa', binary: true, binaryScale: 1 });
      expect(Array.from(custom.feedback[0]!.values).every((v) => Math.abs(v) === 1)).toBe(true);
      for (const d of [real, binary, custom]) d.dispose();
      model.dispose();
    });
  });

  it('binary DFA through the sign kernel equals DFA with a float matmul on the same ±c matrix', async () => {
    await t.expectNoLeaks(async () => {
      const model = smallCnn(11);
      const x = t.rand([n, 2, 6, 6], { seed: 9 });
      const labels = labelsOf(n, 5);
      const kernel = createDfa(model, { seed: 4, inputShape: [2, 6, 6], rules: 'dfa', binary: true });
      const matmul = createDfa(model, { seed: 4, inputShape: [2, 6, 6], rules: 'dfa', binary: true, signKernel: false });
      const a = kernel.gradients(x, labels);
      const b = matmul.gradients(x, labels);
      const ga = await readAll(a.grads);
      const gb = await readAll(b.grads);
      ga.forEach((g, i) => expect(relativeError(g, gb[i])).toBeLessThan(1e-5));
      t.dispose([x, a.loss, b.loss]);
      kernel.dispose();
      matmul.dispose();
      model.dispose();
    });
  });

  it('rejects bad models, options and batches with messages naming the problem', async () => {
    const model = toSequential(randomMlp([6, 9, 3], 19));
    const x = t.rand([4, 6], { seed: 1 });
    expect(() => createDfa(model, { inputShape: [6] } as never)).toThrow(/seed must be an integer/);
    expect(() => createDfa(model, { seed: 1, inputShape: [5] })).toThrow(/block 0 rejects/);
    expect(() => createDfa(model, { seed: 1, inputShape: [6], rules: ['dfa', 'dfa'] })).toThrow(/one per hidden block \(1/);
    expect(() => createDfa(model, { seed: 1, inputShape: [6], rules: 'all' as never })).toThrow(/options.rules must be one of/);
    expect(() => createDfa(model, { seed: 1, inputShape: [6], feedback: 'ones' as never })).toThrow(/options.feedback must be one of/);
    expect(() => createDfa(model, { seed: 1, inputShape: [6], binaryScale: 2 })).toThrow(/binary is false/);
    expect(() => createDfa(model, { seed: 1, inputShape: [6], binary: true, binaryScale: -1 })).toThrow(/binaryScale must be a finite number > 0/);
    expect(() => createDfa(model, { seed: 1, inputShape: [6], feedbackValues: [[1, 2]] })).toThrow(/has 2 values, expected \[9, 3\]/);
    expect(() => createDfa(model, { seed: 1, inputShape: [6], feedbackValues: [new Array(27).fill(NaN)] })).toThrow(/not a finite number/);
    expect(() => createDfa(model, { seed: 1, inputShape: [6], rules: 'bp', feedbackValues: [new Array(27).fill(1)] })).toThrow(/trained by BP/);
    expect(() => createDfa(new t.nn.Sequential(new t.nn.Linear(6, 3)), { seed: 1, inputShape: [6] })).toThrow(/at least one hidden weight layer/);
    expect(() => createDfa(new t.nn.Sequential(new t.nn.Linear(6, 4), new t.nn.Linear(4, 3), new t.nn.ReLU()), { seed: 1, inputShape: [6] })).toThrow(/single Linear layer producing the logits/);
    expect(() => createDfa(new t.nn.Sequential(new t.nn.ReLU(), new t.nn.Linear(6, 4), new t.nn.Linear(4, 3)), { seed: 1, inputShape: [6] })).toThrow(/before the first Linear/);
    expect(() => createDfa(new t.nn.Sequential(new t.nn.Linear(6, 4), new t.nn.BatchNorm1d(4), new t.nn.Linear(4, 3)), { seed: 1, inputShape: [6] })).toThrow(/neither Linear nor Conv2d/);
    const net = createDfa(model, { seed: 1, inputShape: [6] });
    expect(() => net.gradients(x, [0, 1, 2])).toThrow(/got 3 labels for a batch of 4/);
    expect(() => net.gradients(x, [0, 1, 2, 3])).toThrow(/labels\[3\] = 3 is not a class id in \[0, 3\)/);
    expect(() => net.gradients(x, [0, 1, 2, 0.5])).toThrow(/labels\[3\] = 0.5/);
    const wrong = t.rand([4, 5], { seed: 2 });
    expect(() => net.gradients(wrong, [0, 1, 2, 0])).toThrow(/x must be \[batch, 6\], got \[4, 5\]/);
    expect(() => net.step(x, [0, 1, 2, 0], {} as never)).toThrow(/optimizer must be/);
    t.dispose([x, wrong]);
    net.dispose();
    model.dispose();
  });
});

describe('measureAlignment (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('B₁ := W₂ᵀ aligns perfectly (weights, deltas and norms); BP blocks report no delta; nothing leaks', async () => {
    const { measureAlignment } = await import('./alignment');
    await t.expectNoLeaks(async () => {
      const ref = randomMlp([10, 16, 6], 27);
      const model = toSequential(ref);
      const x = t.tensor(Float32Array.from(randomValues(n * 10, 28)), [n, 10]);
      const labels = labelsOf(n, 6);
      const exact = createDfa(model, { seed: 1, inputShape: [10], rules: 'dfa', feedbackValues: [transposed(ref.weights[1], 6, 16)] });
      const [a] = await measureAlignment(exact, x, labels);
      expect(a.rule).toBe('dfa');
      expect(a.weightCosine).toBeGreaterThan(1 - 1e-6);
      expect(a.deltaCosine!).toBeGreaterThan(1 - 1e-6);
      expect(a.normRatio).toBeCloseTo(1, 5);
      const random = createDfa(model, { seed: 1, inputShape: [10], rules: 'dfa' });
      const [r] = await measureAlignment(random, x, labels);
      expect(r.weightCosine).toBeLessThan(0.9);
      expect(r.deltaCosine!).toBeLessThan(0.9);
      // The DFA update is linear in B: three times the feedback, three times the step; same direction.
      const tripled = createDfa(model, { seed: 1, inputShape: [10], rules: 'dfa', feedbackScale: 3 });
      const [r3] = await measureAlignment(tripled, x, labels);
      expect(r3.normRatio / r.normRatio).toBeCloseTo(3, 4);
      expect(r3.weightCosine).toBeCloseTo(r.weightCosine, 5);
      const bp = createDfa(model, { seed: 1, inputShape: [10], rules: 'bp' });
      const [b] = await measureAlignment(bp, x, labels);
      expect(b.weightCosine).toBeGreaterThan(1 - 1e-6);
      expect(b.normRatio).toBeCloseTo(1, 6);
      expect(b.deltaCosine).toBeNull();
      x.dispose();
      for (const d of [exact, random, tripled, bp]) d.dispose();
      model.dispose();
    });
  });
});
