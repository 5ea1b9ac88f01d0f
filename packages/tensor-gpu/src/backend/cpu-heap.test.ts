import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultEngine } from '../default-engine';
import { Engine } from '../engine';
import { conv2d, maxPool2d } from '../ops/conv';
import { conv2dInputGrad, conv2dWeightGrad, maxPool2dGrad } from '../ops/conv-grads';
import { reshape } from '../ops/layout';
import { matmul } from '../ops/matmul';
import type { Module } from '../nn/module';
import { ReLU } from '../nn/activations';
import { Sequential } from '../nn/containers';
import { Linear } from '../nn/linear';
import { lenet5 } from '../nn/models';
import { tensor } from '../ops/creation';
import { add, relu } from '../ops/elementwise';
import { sgd } from '../optim/sgd';
import { splitmix32 } from '../random';
import type { Tensor } from '../tensor';
import { expectNoLeaks } from '../testing/leaks';
import { trainStep } from '../train/step';
import { SimdInstance } from '../wasm/simd-instance';
import { WasmSimdKernels } from '../wasm/simd-kernels';
import type { WasmHeap } from '../wasm/wasm-heap';
import { createHostKernels } from './cpu-kernels';

// The cpu backend keeps its tensors in the WebAssembly heap of its kernels (a shared memory in
// Node), which read and write them in place. The copying path (kernels over a memory of their
// own) is checked against float64 oracles in the kernel tests; here the in-place path must agree
// with it bit for bit and must not leak blocks.

function values(n: number, seed: number): Float32Array {
  const next = splitmix32(seed);
  return Float32Array.from({ length: n }, () => Math.fround(2 * next() - 1));
}

const heapOf = (engine: Engine): WasmHeap => {
  const heap = engine.cpuHeap();
  if (!heap) throw new Error('expected a WebAssembly heap for the cpu backend in Node');
  return heap;
};
const arrayOf = (x: Tensor) => x.buffer!.handle as Float32Array;

type Model = 'mlp' | 'lenet5';
const makeModel = (m: Model): Module =>
  m === 'mlp' ? new Sequential(new Linear(784, 64, { seed: 3 }), new ReLU(), new Linear(64, 10, { seed: 4 })) : lenet5({ seed: 5 });
const inputShape = (m: Model) => (m === 'mlp' ? [16, 784] : [8, 1, 28, 28]);

/** Trains `steps` SGD steps with momentum; returns the final weights and the heap's counters after every step. */
async function train(m: Model, steps: number) {
  const shape = inputShape(m);
  const x = tensor(defaultEngine, values(shape.reduce((a, b) => a * b), 11), shape);
  const labels = Int32Array.from({ length: shape[0] }, (_, i) => (i * 3) % 10);
  const model = makeModel(m);
  const optimizer = sgd({ lr: 0.05, momentum: 0.9 });
  const counters: { tensors: number; inUse: number }[] = [];
  for (let s = 0; s < steps; s++) {
    trainStep(model, x, labels, { optimizer }).dispose();
    const info = defaultEngine.memory();
    counters.push({ tensors: info.numHeapTensorBytes, inUse: info.numHeapBytes });
  }
  const inHeap = model.parameters().every((p) => heapOf(defaultEngine).offsetOf(arrayOf(p.value)) >= 0);
  const weights = await Promise.all(model.parameters().map((p) => p.value.data()));
  x.dispose();
  optimizer.dispose();
  model.dispose();
  return { weights, counters, inHeap };
}

describe('cpu backend tensors in the WebAssembly heap', () => {
  beforeAll(async () => {
    await defaultEngine.setBackend('cpu', { threads: 1 });
  });
  afterAll(async () => {
    await defaultEngine.setBackend('cpu', { threads: 'auto' });
  });

  for (const m of ['mlp', 'lenet5'] as const) {
    it(`${m}: training steps that dispose everything leave the heap's bytes in use unchanged, and match the copying kernels bit for bit`, async () => {
      const before = defaultEngine.memory();
      const resident = await expectNoLeaks(() => train(m, 4));
      const after = defaultEngine.memory();
      expect(resident.inHeap).toBe(true);
      expect(after.numHeapTensorBytes).toBe(before.numHeapTensorBytes);
      // From the second step on, a step's tensors and scratch take the same blocks again.
      for (const c of resident.counters.slice(2)) expect(c).toEqual(resident.counters[1]);
      const kernelsInHeap = createHostKernels('wasm-simd', heapOf(defaultEngine));
      defaultEngine.useCpuKernels(new WasmSimdKernels(new SimdInstance({ shared: false })));
      try {
        const copied = await train(m, 4);
        expect(copied.weights.length).toBe(resident.weights.length);
        for (let i = 0; i < copied.weights.length; i++) expect(resident.weights[i]).toEqual(copied.weights[i]);
      } finally {
        defaultEngine.useCpuKernels(kernelsInHeap);
      }
      expect(defaultEngine.memory().numHeapTensorBytes).toBe(before.numHeapTensorBytes);
    });
  }

  it("reuses a disposed tensor's block for the next tensor of its size", () => {
    const heap = heapOf(defaultEngine);
    const x = tensor(defaultEngine, values(1000, 1), [1000]);
    const at = heap.offsetOf(arrayOf(x));
    expect(at).toBeGreaterThan(0);
    const bytes = defaultEngine.memory().numHeapTensorBytes;
    x.dispose();
    expect(defaultEngine.memory().numHeapTensorBytes).toBe(bytes - 4032); // 4000 bytes in 64-byte units
    const y = tensor(defaultEngine, values(1000, 2), [1000]);
    expect(heap.offsetOf(arrayOf(y))).toBe(at);
    const z = relu(y);
    y.dispose();
    const w = relu(z);
    expect(heap.offsetOf(arrayOf(w))).toBe(at);
    expect(Array.from(arrayOf(w))).toEqual(Array.from(values(1000, 2), (v) => Math.max(v, 0)));
    z.dispose();
    w.dispose();
  });

  it('data() returns a copy the caller owns: a later op reusing the block does not change it', async () => {
    const x = tensor(defaultEngine, [1, -2, 3, -4], [4]);
    const y = relu(x);
    const read = await y.data();
    expect(arrayOf(y).buffer).not.toBe(read.buffer);
    read[0] = 42;
    expect(Array.from(await y.data())).toEqual([1, 0, 3, 0]);
    y.dispose();
    const w = relu(tensor(defaultEngine, [-9, 9, -9, 9], [4]));
    expect(Array.from(read)).toEqual([42, 0, 3, 0]);
    x.dispose();
    w.dispose();
  });

  it('runs products on operands in place: the kernels take no scratch for them', () => {
    const heap = heapOf(defaultEngine);
    const kernels = new WasmSimdKernels(new SimdInstance({ heap }));
    const geometry = { batch: 1, m: 64, n: 300, p: 40, transposeA: false, transposeB: false, aBatchStride: 0, bBatchStride: 0 };
    const [a, b, out] = [64 * 300, 300 * 40, 64 * 40].map((n) => heap.take(n));
    a.set(values(a.length, 2));
    b.set(values(b.length, 3));
    const scratchNow = () => heap.bytesInUse - heap.arrayBytes;
    const scratchBefore = scratchNow();
    kernels.matmul(a, b, out, geometry);
    const inPlaceScratch = scratchNow() - scratchBefore;
    const copying = new WasmSimdKernels(new SimdInstance({ heap }));
    const copied = new Float32Array(out.length);
    copying.matmul(Float32Array.from(a), Float32Array.from(b), copied, geometry);
    const copyScratch = scratchNow() - scratchBefore - inPlaceScratch;
    expect(out).toEqual(copied);
    expect(copyScratch - inPlaceScratch).toBeGreaterThanOrEqual(4 * (a.length + b.length + out.length));
    kernels.dispose();
    copying.dispose();
    expect(scratchNow()).toBe(scratchBefore);
    for (const v of [a, b, out]) heap.give(v);
  });
});

describe('cpu backend without shared memories (a browser page without cross-origin isolation)', () => {
  /** A few ops of a convolutional step on `engine`'s cpu backend, read back. */
  async function ops(engine: Engine): Promise<Float32Array[]> {
    await engine.setBackend('cpu', { threads: 1 });
    const x = tensor(engine, values(2 * 3 * 12 * 12, 5), [2, 3, 12, 12]);
    const w = tensor(engine, values(4 * 3 * 3 * 3, 6), [4, 3, 3, 3]);
    const b = tensor(engine, values(4 * 12 * 12, 7), [4, 12, 12]);
    const outs = engine.tidy(() => {
      const y = relu(add(conv2d(x, w, { padding: 1 }), b));
      const pooled = maxPool2d(y, { kernel: 2 });
      const dx = conv2dInputGrad(y, w, x.shape, { padding: 1 });
      const dw = conv2dWeightGrad(y, x, w.shape, { padding: 1 });
      const dp = maxPool2dGrad(y, pooled, { kernel: 2 });
      const flat = reshape(pooled, [2, 4 * 6 * 6]);
      const m = matmul(flat, flat, { transposeB: true });
      return [y, pooled, dx, dw, dp, m];
    });
    const read = await Promise.all(outs.map((o) => o.data()));
    for (const o of [x, w, b, ...outs]) o.dispose();
    return read;
  }

  it('keeps tensors in JavaScript arrays, reports no heap bytes and computes what the heap-resident path computes, bit for bit', async () => {
    vi.stubGlobal('SharedArrayBuffer', undefined);
    const isolated = new Engine();
    let fallback: Float32Array[];
    try {
      expect(isolated.cpuHeap()).toBe(null);
      fallback = await ops(isolated);
      const probe = tensor(isolated, [1, 2, 3], [3]);
      expect(arrayOf(probe).buffer).toBeInstanceOf(ArrayBuffer);
      expect(isolated.memory()).toMatchObject({ numHeapBytes: 0, numHeapTensorBytes: 0, numBytes: 12 });
      probe.dispose();
    } finally {
      vi.unstubAllGlobals();
      isolated.destroy();
    }
    const shared = new Engine();
    try {
      expect(shared.cpuHeap()).not.toBe(null);
      const resident = await ops(shared);
      expect(shared.memory().numHeapTensorBytes).toBe(0);
      expect(resident.length).toBe(fallback.length);
      for (let i = 0; i < resident.length; i++) expect(resident[i]).toEqual(fallback[i]);
    } finally {
      shared.destroy();
    }
  });
});
