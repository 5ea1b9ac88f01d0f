import { beforeAll, describe, expect, it } from 'vitest';
import * as t from '../index';
import {
  BasicBlock,
  CIFAR_CNN_PARAMETERS,
  cifarCnn,
  countParameters,
  LENET5_PARAMETERS,
  LENET_300_100_PARAMETERS,
  lenet300100,
  lenet5,
  MNIST_FC_PARAMETERS,
  mnistFc,
  RESNET20_B_PARAMETERS,
  RESNET20_PARAMETERS,
  resnet20,
  stateDict,
  type Module,
} from './index';

describe('model builders (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('take the weight and bias initialisers of every layer: the same tensors as layers built by hand', async () => {
    await t.expectNoLeaks(async () => {
      const built = mnistFc({ seed: 9, init: t.nn.heNormal, biasInit: t.nn.zeros });
      const seeds = new t.nn.SeedSequence(9);
      const byHand = [[784, 100], [100, 50], [50, 10]].map(([i, o]) => new t.nn.Linear(i, o, { seed: seeds.next(), init: t.nn.heNormal, biasInit: t.nn.zeros }));
      const got = await Promise.all(built.parameters().map((p) => p.value.data()));
      const want = await Promise.all(byHand.flatMap((l) => l.parameters()).map((p) => p.value.data()));
      expect(got.map((v) => Array.from(v))).toEqual(want.map((v) => Array.from(v)));
      expect(got[1].every((v) => v === 0)).toBe(true);
      // He-normal: standard deviation √(2/784) for the first layer (84,000 draws estimate it within a few %).
      const std = Math.sqrt(got[0].reduce((a, v) => a + v * v, 0) / got[0].length);
      expect(std / Math.sqrt(2 / 784)).toBeGreaterThan(0.97);
      expect(std / Math.sqrt(2 / 784)).toBeLessThan(1.03);
      built.dispose();
      byHand.forEach((l) => l.dispose());
      expect(() => lenet5({ seed: 1, init: 3 as never })).toThrow(/lenet5: options.init must be an initialiser function, got number/);
    });
  });

  it('have the documented parameter counts', async () => {
    await t.expectNoLeaks(() => {
      const cases: [string, Module, number, number][] = [
        ['mnistFc', mnistFc({ seed: 1 }), MNIST_FC_PARAMETERS, 84_060],
        ['lenet300100', lenet300100({ seed: 1 }), LENET_300_100_PARAMETERS, 266_610],
        ['lenet5', lenet5({ seed: 1 }), LENET5_PARAMETERS, 61_706],
        ['cifarCnn', cifarCnn({ seed: 1 }), CIFAR_CNN_PARAMETERS, 122_570],
        ['resnet20', resnet20({ seed: 1 }), RESNET20_PARAMETERS, 269_722],
        ['resnet20 (B)', resnet20({ seed: 1, shortcut: 'B' }), RESNET20_B_PARAMETERS, 272_474],
      ];
      for (const [name, model, constant, exact] of cases) {
        expect(constant, name).toBe(exact);
        expect(countParameters(model), name).toBe(exact);
        model.dispose();
      }
    });
  });

  it('expose layer structure through namedParameters', () => {
    const lenet = lenet5({ seed: 1 });
    expect(lenet.namedParameters().map(([n, p]) => `${n}:${p.value.shape.join('x')}`)).toEqual([
      '0.weight:6x1x5x5', '0.bias:6', '3.weight:16x6x5x5', '3.bias:16', '7.weight:120x400', '7.bias:120',
      '9.weight:84x120', '9.bias:84', '11.weight:10x84', '11.bias:10',
    ]);
    lenet.dispose();
    const res = resnet20({ seed: 1 });
    const names = res.namedParameters().map(([n]) => n);
    expect(names.slice(0, 3)).toEqual(['0.weight', '1.weight', '1.bias']);
    expect(names).toContain('4.0.body.0.weight');
    expect(names).toContain('5.2.body.4.bias');
    expect(names.some((n) => n.includes('shortcut'))).toBe(false); // option A has no shortcut parameters
    expect(names.slice(-2)).toEqual(['7.weight', '7.bias']);
    expect(res.namedBuffers().length).toBe(2 * 19);
    expect(res.at(4).namedChildren()[0][1]).toBeInstanceOf(BasicBlock);
    res.dispose();
    const resB = resnet20({ seed: 1, shortcut: 'B' });
    expect(resB.namedParameters().map(([n]) => n).filter((n) => n.includes('shortcut'))).toEqual([
      '4.0.shortcut.0.weight', '4.0.shortcut.1.weight', '4.0.shortcut.1.bias', '5.0.shortcut.0.weight', '5.0.shortcut.1.weight', '5.0.shortcut.1.bias',
    ]);
    resB.dispose();
  });

  it('resnet20 keeps its 20-layer structure at another width, with the parameter count of the closed form', () => {
    // conv 3→w, BN; stage 1: six w→w convs and BNs; stages 2, 3: one widening conv, five square ones, six BNs; FC 4w→10.
    const count = (w: number) => 27 * w + 2 * w + (54 * w * w + 12 * w) + (18 * w * w + 180 * w * w + 24 * w) + (72 * w * w + 720 * w * w + 48 * w) + 40 * w + 10;
    expect(count(16)).toBe(RESNET20_PARAMETERS);
    const standard = resnet20({ seed: 1 });
    for (const width of [4, 8]) {
      const model = resnet20({ seed: 1, width });
      expect(model.parameters().reduce((n, p) => n + p.value.size, 0)).toBe(count(width));
      expect(model.namedParameters().map(([n]) => n)).toEqual(standard.namedParameters().map(([n]) => n));
      model.dispose();
    }
    standard.dispose();
    expect(() => resnet20({ width: 0 })).toThrow('resnet20: width must be a positive integer, got 0');
  });

  it('are reproducible from one seed', async () => {
    await t.expectNoLeaks(async () => {
      const [a, b, c] = [lenet5({ seed: 9 }), lenet5({ seed: 9 }), lenet5({ seed: 10 })];
      const [sa, sb, sc] = [await stateDict(a), await stateDict(b), await stateDict(c)];
      for (const k of Object.keys(sa)) {
        expect(Array.from(sb[k].data), k).toEqual(Array.from(sa[k].data));
        expect(Array.from(sc[k].data), k).not.toEqual(Array.from(sa[k].data));
      }
      // Layers of one model draw from different derived seeds.
      expect(Array.from(sa['7.weight'].data.slice(0, 10))).not.toEqual(Array.from(sa['9.weight'].data.slice(0, 10)));
      [a, b, c].forEach((m) => m.dispose());
    });
  });

  it('run forward and backward with the right shapes and no leaks (MLP, LeNet-5, CIFAR CNN, ResNet-20)', async () => {
    const cases: [string, () => Module, number[]][] = [
      ['mnistFc', () => mnistFc({ seed: 2 }), [3, 784]],
      ['lenet5', () => lenet5({ seed: 2 }), [2, 1, 28, 28]],
      ['cifarCnn', () => cifarCnn({ seed: 2 }), [1, 3, 32, 32]],
      ['resnet20', () => resnet20({ seed: 2 }), [2, 3, 8, 8]],
    ];
    for (const [name, build, shape] of cases) {
      await t.expectNoLeaks(async () => {
        const model = build();
        const x = t.rand(shape, { seed: 3 });
        const labels = Array.from({ length: shape[0] }, (_, i) => i % 10);
        const params = model.parameters().map((p) => p.value);
        const { value, grads: [grads] } = t.valueAndGrad((ps: t.Tensor[]) => {
          void ps;
          return t.crossEntropy(model.forward(x), labels);
        })(params);
        const loss = (await value.data())[0];
        expect(Number.isFinite(loss), name).toBe(true);
        expect(loss, name).toBeGreaterThan(0);
        grads.forEach((g, i) => expect(g.shape, `${name} grad ${i}`).toEqual(params[i].shape));
        const gsum = (await Promise.all(grads.map((g) => g.data()))).reduce((s, d) => s + d.reduce((a, v) => a + Math.abs(v), 0), 0);
        expect(gsum, name).toBeGreaterThan(0);
        model.eval();
        const logits = t.tidy(() => model.forward(x));
        expect(logits.shape, name).toEqual([shape[0], 10]);
        t.dispose([value, ...grads, x, logits]);
        model.dispose();
      });
    }
  });

  it('training steps that replace parameters (Parameter.assign) and BatchNorm running stats keep memory flat', async () => {
    await t.expectNoLeaks(async () => {
      const model = resnet20({ seed: 4 });
      const x = t.rand([2, 3, 8, 8], { seed: 5 });
      const labels = [3, 7];
      const counts: number[] = [];
      for (let step = 0; step < 3; step++) {
        const params = model.parameters();
        const { value, grads: [grads] } = t.valueAndGrad((_ps: t.Tensor[]) => t.crossEntropy(model.forward(x), labels))(params.map((p) => p.value));
        t.tidy(() => params.forEach((p, i) => p.assign(t.keep(t.sub(p.value, t.mul(grads[i], 0.05))))));
        t.dispose([value, ...grads]);
        counts.push(t.memory().numTensors);
      }
      expect(counts[1]).toBe(counts[0]);
      expect(counts[2]).toBe(counts[0]);
      x.dispose();
      model.dispose();
    });
  });
});
