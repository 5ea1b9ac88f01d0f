import { expect } from 'vitest';
import * as t from '../../index';
import { splitmix32 } from '../../random';
import { describeOnWebGpu, wgslDispatchesOf } from '../webgpu-suite.test-helper';

// The WGSL pooling kernels (forward and gradient) against float64 oracles written from the ops' documented
// meaning, and bit for bit against the portable kernels it replaces (float32 and float16).

interface Pool { kernel: [number, number]; stride: [number, number]; padding: [number, number] }

function randomValues(n: number, seed: number): Float32Array {
  const next = splitmix32(seed);
  return Float32Array.from({ length: n }, () => Math.fround(next() * 4 - 2));
}

/**
 * Forward and gradient in float64 for `[planes, h, w]`: max takes the first in-image tap, then
 * only a strictly greater one (NaN never wins unless first; padding never); the average divides
 * by the whole window. Each window's dY goes to its first maximum, or to all its taps / k.
 */
function pool64(kind: 'max' | 'avg', x: Float32Array, planes: number, h: number, w: number, p: Pool, dy?: Float32Array) {
  const [kh, kw] = p.kernel;
  const oh = Math.floor((h + 2 * p.padding[0] - kh) / p.stride[0]) + 1;
  const ow = Math.floor((w + 2 * p.padding[1] - kw) / p.stride[1]) + 1;
  const y = new Float64Array(planes * oh * ow);
  const dx = new Float64Array(x.length);
  for (let pl = 0; pl < planes; pl++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
    const o = (pl * oh + oy) * ow + ox;
    let acc = 0;
    let arg = -1;
    const taps: number[] = [];
    for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
      const iy = oy * p.stride[0] - p.padding[0] + ky;
      const ix = ox * p.stride[1] - p.padding[1] + kx;
      if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
      const at = (pl * h + iy) * w + ix;
      taps.push(at);
      if (kind === 'avg') acc += x[at];
      else if (arg < 0 || x[at] > acc) { acc = x[at]; arg = at; }
    }
    y[o] = kind === 'avg' ? acc / (kh * kw) : acc;
    if (!dy) continue;
    if (kind === 'max' && arg >= 0) dx[arg] += dy[o];
    if (kind === 'avg') for (const at of taps) dx[at] += dy[o] / (kh * kw);
  }
  return { y, dx, oh, ow };
}

const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

function expectClose(got: Float32Array, want: Float64Array, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Number.isFinite(want[i])) expect(same(got[i], want[i]), `${what} at ${i}: ${got[i]} vs ${want[i]}`).toBe(true);
    else expect(Math.abs(got[i] - want[i]), `${what} at ${i}: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(4e-6 + 1e-6 * Math.abs(want[i]));
  }
}

const POOL_KERNELS = ['maxPool2d', 'avgPool2d', 'maxPool2dGrad', 'avgPool2dGrad'];

/** Runs `fn` with the portable kernels in place of the tiled pooling kernels. */
async function portable<T>(fn: () => Promise<T>): Promise<T> {
  const kernels = t.defaultEngine.kernels;
  const saved = POOL_KERNELS.map((n) => [n, kernels.wgslImplementation(n)!] as const);
  for (const [n] of saved) kernels.unregisterWgsl(n);
  try {
    return await fn();
  } finally {
    for (const [n, k] of saved) kernels.registerWgsl(n, k);
  }
}

const CASES: [number[], Pool][] = [
  [[1, 2, 37, 35], { kernel: [3, 3], stride: [2, 2], padding: [1, 1] }], // 19×18 outputs: four tiles, ragged
  [[2, 1, 33, 34], { kernel: [2, 2], stride: [2, 2], padding: [0, 0] }],
  [[1, 3, 21, 18], { kernel: [3, 2], stride: [1, 2], padding: [1, 0] }], // overlapping rows
  [[1, 1, 23, 40], { kernel: [5, 4], stride: [3, 1], padding: [2, 1] }],
];

describeOnWebGpu('pooling kernels on webgpu', (test) => {
  /** Forward and gradient of one pooling through the ops; returns the values and the WGSL dispatches. */
  const pool = async (kind: 'max' | 'avg', x: t.Tensor, dy: t.Tensor | null, p: Pool) => {
    let y: t.Tensor | null = null;
    let dx: t.Tensor | null = null;
    const wgsl = await wgslDispatchesOf(() => {
      y = kind === 'max' ? t.maxPool2d(x, p) : t.avgPool2d(x, p);
      if (dy) dx = kind === 'max' ? t.maxPool2dGrad(x, dy, p) : t.avgPool2dGrad(dy, x.shape, p);
    });
    const out = { y: await y!.data(), dx: dx ? await (dx as t.Tensor).data() : null, wgsl };
    t.dispose([y!, ...(dx ? [dx] : [])]);
    return out;
  };

  test('max and average pooling and their gradients match float64 (odd sizes, strides, padding)', async () => {
    let seed = 1;
    for (const [shape, p] of CASES) {
      const [n, c, h, w] = shape;
      const xv = randomValues(n * c * h * w, seed++);
      const x = t.tensor(xv, shape);
      for (const kind of ['max', 'avg'] as const) {
        const { oh, ow } = pool64(kind, xv, n * c, h, w, p);
        const dyv = randomValues(n * c * oh * ow, seed++);
        const dy = t.tensor(dyv, [n, c, oh, ow]);
        const want = pool64(kind, xv, n * c, h, w, p, dyv);
        const got = await pool(kind, x, dy, p);
        expect(got.wgsl, `${kind} ${shape}`).toBe(2);
        expectClose(got.y, want.y, `${kind} ${shape} forward`);
        expectClose(got.dx!, want.dx, `${kind} ${shape} gradient`);
        dy.dispose();
      }
      x.dispose();
    }
  });

  test('max pooling: a first NaN wins, a later NaN never does, ties and gradients go to the first maximum, ±Infinity kept', async () => {
    const [h, w] = [9, 10];
    const planes: number[][] = [];
    const base = Array.from(randomValues(h * w, 9));
    planes.push(base.map((v, i) => (i === 0 || i === 22 ? NaN : v))); // window (0,0) starts with NaN; 22 is later in its window
    planes.push(base.map((v, i) => (i % 3 === 0 ? 1 : 0.5))); // ties everywhere
    planes.push(base.map((v, i) => (i < 30 ? -Infinity : i === 45 ? Infinity : v)));
    const xv = Float32Array.from(planes.flat());
    const p: Pool = { kernel: [3, 3], stride: [2, 2], padding: [1, 1] };
    const x = t.tensor(xv, [1, 3, h, w]);
    const want = pool64('max', xv, 3, h, w, p, randomValues(3 * 5 * 5, 10));
    const dy = t.tensor(randomValues(3 * 5 * 5, 10), [1, 3, 5, 5]);
    const got = await pool('max', x, dy, p);
    expect(got.wgsl).toBe(2);
    expectClose(got.y, want.y, 'forward');
    expectClose(got.dx!, want.dx, 'gradient');
    expect(Number.isNaN(got.y[0])).toBe(true);
    t.dispose([x, dy]);
  });

  test('float32 and float16 results are the portable kernels\' bits', async () => {
    // Overlapping windows (the max gradient stages argmaxes) and disjoint ones (it scans directly).
    for (const [shape, p] of CASES.slice(0, 2)) for (const dtype of ['float32', 'float16'] as const) {
      const xv = randomValues(shape.reduce((a, b) => a * b), 11).map((v) => v * 1000);
      const x32 = t.tensor(xv, shape);
      const x = dtype === 'float16' ? t.cast(x32, 'float16') : x32;
      const { oh, ow } = pool64('max', xv, 1, shape[2], shape[3], p);
      const dy32 = t.tensor(randomValues(shape[0] * shape[1] * oh * ow, 12), [shape[0], shape[1], oh, ow]);
      const dy = dtype === 'float16' ? t.cast(dy32, 'float16') : dy32;
      for (const kind of ['max', 'avg'] as const) {
        const tiled = await pool(kind, x, dy, p);
        const reference = await portable(() => pool(kind, x, dy, p));
        expect(tiled.wgsl).toBe(2);
        expect(reference.wgsl).toBe(0);
        for (const [a, b, what] of [[tiled.y, reference.y, 'forward'], [tiled.dx!, reference.dx!, 'gradient']] as const) {
          const diff = a.findIndex((v, i) => !same(v, b[i]));
          expect(diff, `${dtype} ${kind} ${what} at ${diff}: ${a[diff]} vs ${b[diff]}`).toBe(-1);
        }
      }
      t.dispose([...new Set([x32, x, dy32, dy])]);
    }
  });

  test('max-pooling gradients whose windows overflow workgroup memory take the portable kernel', async () => {
    // 33×33 windows at stride 1: 40×40 windows touch an 8×8 tile of inputs, more than it stages.
    const k = 33;
    const shape = [1, 1, k + 1, k + 2];
    const xv = randomValues(shape.reduce((a, b) => a * b), k);
    const p: Pool = { kernel: [k, k], stride: [1, 1], padding: [0, 0] };
    const dyv = Float32Array.from({ length: 6 }, (_, i) => i - 2);
    const want = pool64('max', xv, 1, k + 1, k + 2, p, dyv);
    const x = t.tensor(xv, shape);
    const dy = t.tensor(dyv, [1, 1, 2, 3]);
    const got = await pool('max', x, dy, p);
    expect(got.wgsl).toBe(1); // the forward only
    expectClose(got.y, want.y, 'max 33 forward');
    expectClose(got.dx!, want.dx, 'max 33 gradient');
    t.dispose([x, dy]);
  });
});
