import { beforeAll, describe, expect, it } from 'vitest';
import * as t from '../index';
import { Dropout, Linear, ReLU, Residual, Sequential, ZeroPadShortcut, subsample2d, BatchNorm1d } from './index';

describe('Sequential, Residual and the option-A shortcut (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('Sequential names children 0, 1, ... and chains them; train/eval reach every descendant', async () => {
    await t.expectNoLeaks(async () => {
      const inner = new Sequential(new Linear(4, 4, { seed: 2 }), new Dropout(0.5, { seed: 3 }));
      const model = new Sequential(new Linear(3, 4, { seed: 1 }), new ReLU(), inner, new BatchNorm1d(4));
      expect(model.length).toBe(4);
      expect(model.at(-1)).toBeInstanceOf(BatchNorm1d);
      expect(model.namedChildren().map(([n]) => n)).toEqual(['0', '1', '2', '3']);
      expect(model.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '2.0.weight', '2.0.bias', '3.weight', '3.bias']);
      expect(model.namedBuffers().map(([n]) => n)).toEqual(['3.runningMean', '3.runningVar']);
      model.eval();
      expect([model, inner, inner.at(1), model.at(3)].every((m) => !m.training)).toBe(true);
      const x = t.tensor([[1, -2, 0.5], [0, 1, 2]]);
      const y = t.tidy(() => model.forward(x));
      const expected = t.tidy(() => model.at(3).forward(inner.at(0).forward(t.relu(model.at(0).forward(x)))));
      expect(Array.from(await y.data())).toEqual(Array.from(await expected.data()));
      expect(new Sequential().forward(x)).toBe(x);
      t.dispose([x, y, expected]);
      model.dispose();
    });
    expect(() => new Sequential({} as any)).toThrow(/argument 0 is not a Module/);
  });

  it('Residual adds the body to the input or to a shortcut, naming children body / shortcut', async () => {
    await t.expectNoLeaks(async () => {
      const body = new Sequential(new Linear(3, 3, { seed: 4 }), new ReLU());
      const plain = new Residual(body);
      expect(plain.namedParameters().map(([n]) => n)).toEqual(['body.0.weight', 'body.0.bias']);
      const x = t.tensor([[1, 2, 3], [-1, 0, 1]]);
      const y = t.tidy(() => plain.forward(x));
      const b = t.tidy(() => body.forward(x));
      const [yv, bv, xv] = [await y.data(), await b.data(), await x.data()];
      yv.forEach((v, i) => expect(v).toBeCloseTo(bv[i] + xv[i], 6));
      const proj = new Residual(new Linear(3, 2, { seed: 5 }), new Linear(3, 2, { seed: 6, bias: false }));
      expect(proj.namedParameters().map(([n]) => n)).toEqual(['body.weight', 'body.bias', 'shortcut.weight']);
      const yp = t.tidy(() => proj.forward(x));
      expect(yp.shape).toEqual([2, 2]);
      const mismatch = new Residual(new Linear(3, 2, { seed: 7 }));
      expect(() => t.tidy(() => mismatch.forward(x))).toThrow(/body output \[2,2\] and shortcut output \[2,3\] differ/);
      t.dispose([x, y, b, yp]);
      [plain, proj, mismatch].forEach((m) => m.dispose());
    });
  });

  it('subsample2d takes x[:, :, ::s, ::s] (odd sizes too) with an exact gradient; ZeroPadShortcut pads channels with zeros', async () => {
    await t.expectNoLeaks(async () => {
      const [n, c, h, w] = [1, 2, 5, 4];
      const xv = Float32Array.from({ length: n * c * h * w }, (_, i) => i);
      const x = t.tensor(xv, [n, c, h, w]);
      const s = t.tidy(() => subsample2d(x, 2));
      expect(s.shape).toEqual([1, 2, 3, 2]);
      const expected: number[] = [];
      for (let ch = 0; ch < c; ch++) for (let i = 0; i < h; i += 2) for (let j = 0; j < w; j += 2) expected.push(xv[(ch * h + i) * w + j]);
      expect(Array.from(await s.data())).toEqual(expected);
      const [g] = t.grad((xi: t.Tensor) => t.sum(subsample2d(xi, 2)))(x);
      const gv = await g.data();
      gv.forEach((v, i) => {
        const j = i % w;
        const row = Math.floor(i / w) % h;
        expect(v).toBe(row % 2 === 0 && j % 2 === 0 ? 1 : 0);
      });
      const sc = new ZeroPadShortcut(2, 6, 2);
      expect(sc.parameters()).toEqual([]);
      const y = t.tidy(() => sc.forward(x));
      expect(y.shape).toEqual([1, 6, 3, 2]);
      const yv = Array.from(await y.data());
      expect(yv.slice(0, 12)).toEqual(new Array(12).fill(0));
      expect(yv.slice(12, 24)).toEqual(expected);
      expect(yv.slice(24)).toEqual(new Array(12).fill(0));
      t.dispose([x, s, g, y]);
    });
    expect(() => new ZeroPadShortcut(4, 2)).toThrow(/at least inChannels/);
  });

  it('Module rejects reused or dotted names', () => {
    class Twice extends Sequential {
      constructor() {
        super();
        this.addModule('a', new ReLU());
        this.addModule('a', new ReLU());
      }
    }
    class Dotted extends Sequential {
      constructor() {
        super();
        this.addModule('a.b', new ReLU());
      }
    }
    expect(() => new Twice()).toThrow(/name 'a' is already used/);
    expect(() => new Dotted()).toThrow(/without '\.'/);
  });
});
