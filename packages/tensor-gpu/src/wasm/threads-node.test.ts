import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { valueAndGrad } from '../autodiff/grad';
import { Engine } from '../engine';
import { conv2d } from '../ops/conv';
import { tensor } from '../ops/creation';
import { mul } from '../ops/elementwise';
import { matmul } from '../ops/matmul';
import { sum } from '../ops/reduce';
import { expectNoLeaks } from '../testing/leaks';
import type { ConvGeometry } from '../kernels/conv';
import { NodeGemmWorkers } from './gemm-workers-node';
import { SimdInstance } from './simd-instance';
import { WasmSimdKernels } from './simd-kernels';
import { setNumThreads } from './set-num-threads';
import { workerChunks } from './parallel-job';
import { ReLU } from '../nn/activations';
import { Sequential } from '../nn/containers';
import { Linear } from '../nn/linear';
import { sgd } from '../optim/sgd';
import { expectSameWeightsOnOneAndTwoThreads } from './thread-training.test-helper';
import { expectThreadedKernelsAgree, seededValues as values } from './thread-agreement.test-helper';

// Worker threads take chunks of large products and convolutions; every output is still summed by one
// thread in the same order, so 1 and 2 threads must agree bit for bit (values checked against
// float64 in simd-kernels.backends.test.ts and simd-conv.backends.test.ts).

/** Every product and convolution result of a fixed workload on `engine`, read back. */
async function workload(engine: Engine): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  await expectNoLeaks(async () => {
    let seed = 1;
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
      const [m, n, p] = [259, 131, 129];
      const a = tensor(engine, values(m * n, seed++), ta ? [n, m] : [m, n]);
      const b = tensor(engine, values(n * p, seed++), tb ? [p, n] : [n, p]);
      const y = matmul(a, b, { transposeA: ta, transposeB: tb });
      out.push(await y.data());
      for (const z of [a, b, y]) z.dispose();
    }
    const x = tensor(engine, values(2 * 32 * 14 * 14, 50), [2, 32, 14, 14]);
    const w = tensor(engine, values(32 * 32 * 5 * 5, 51), [32, 32, 5, 5]);
    const g = tensor(engine, values(2 * 32 * 14 * 14, 52), [2, 32, 14, 14]);
    const { value, grads } = valueAndGrad((xx: typeof x, ww: typeof w) => sum(mul(conv2d(xx, ww, { padding: 2 }), g)))(x, w);
    const y = conv2d(x, w, { padding: 2 });
    out.push(await y.data(), await grads[0].data(), await grads[1].data());
    for (const z of [x, w, g, y, value, ...grads]) z.dispose();
  }, engine);
  return out;
}

describe('WebAssembly products on worker threads', () => {
  it('split large products and convolutions into chunks with bit-identical results', async () => {
    const single = new WasmSimdKernels();
    const shared = new SimdInstance({ shared: true });
    shared.attach(await NodeGemmWorkers.start(shared.module, shared.heap.memory, 1));
    const threaded = new WasmSimdKernels(shared);
    expect(threaded.threads).toBe(2);
    // Blocks of rows (m ≥ p) and blocks of columns (m < p), with every transpose.
    expectThreadedKernelsAgree(threaded, single, [[false, false], [true, false], [false, true], [true, true]], 1);
    expect(shared.parallelProducts).toBe(16 + 3);
    threaded.dispose();
    single.dispose();
    expect(() => threaded.matmul(new Float32Array(1), new Float32Array(1), new Float32Array(1), { batch: 1, m: 1, n: 1, p: 1, aBatchStride: 0, bBatchStride: 0, transposeA: false, transposeB: false })).toThrow(/disposed/);
  });
});

describe('WebAssembly kernels split at every size', () => {
  it('match one thread bit for bit on odd products and convolutions (strides, dilation, groups, packed and shared inputs)', async () => {
    const single = new WasmSimdKernels();
    const shared = new SimdInstance({ shared: true });
    shared.attach(await NodeGemmWorkers.start(shared.module, shared.heap.memory, 1));
    shared.parallelMinWork = 0;
    const threaded = new WasmSimdKernels(shared);
    const both = (run: (k: WasmSimdKernels) => Float32Array) => expect(run(threaded)).toEqual(run(single));
    for (const [m, n, p] of [[9, 5, 17], [17, 3, 9], [33, 600, 13]]) {
      const g = { batch: 1, m, n, p, aBatchStride: 0, bBatchStride: 0, transposeA: false, transposeB: true };
      const a = values(m * n, 6), b = values(n * p, 7);
      both((k) => {
        const out = new Float32Array(m * p);
        k.matmul(a, b, out, g);
        return out;
      });
    }
    const geometries: ConvGeometry[] = [
      { n: 3, c: 4, h: 11, w: 10, o: 6, kh: 3, kw: 2, oh: 6, ow: 3, sh: 2, sw: 3, ph: 2, pw: 0, dh: 2, dw: 1, groups: 2 },
      { n: 2, c: 5, h: 9, w: 13, o: 20, kh: 3, kw: 3, oh: 9, ow: 13, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, groups: 1 },
      { n: 2, c: 6, h: 8, w: 8, o: 9, kh: 3, kw: 3, oh: 8, ow: 8, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, groups: 3, layout: 'packed' },
      { n: 2, c: 9, h: 9, w: 7, o: 6, kh: 3, kw: 3, oh: 9, ow: 7, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, groups: 3, layout: 'packed', sharedInput: true },
      { n: 3, c: 16, h: 7, w: 6, o: 10, kh: 3, kw: 3, oh: 7, ow: 4, sh: 1, sw: 1, ph: 1, pw: 0, dh: 1, dw: 1, groups: 2, layout: 'packed' },
    ];
    for (const cg of geometries) {
      const cgIn = cg.c / cg.groups;
      const xLength = cg.n * (cg.sharedInput ? cgIn : cg.c) * cg.h * cg.w;
      const wLength = cg.o * cgIn * cg.kh * cg.kw;
      const yLength = cg.n * cg.o * cg.oh * cg.ow;
      const x = values(xLength, 8), w = values(wLength, 9), dy = values(yLength, 10);
      both((k) => { const y = new Float32Array(yLength); k.conv2d(cg, x, w, y); return y; });
      both((k) => { const dx = new Float32Array(xLength); k.conv2dInputGrad(cg, dy, w, dx); return dx; });
      both((k) => { const dw = new Float32Array(wLength); k.conv2dWeightGrad(cg, dy, x, dw); return dw; });
    }
    expect(shared.parallelProducts).toBeGreaterThan(3 + 5 * 2);
    threaded.dispose();
    single.dispose();
  });
});

describe('setNumThreads (Node worker threads)', () => {
  it('gives bit-identical products and convolutions with 1 and 2 threads', async () => {
    const engine = new Engine();
    await engine.setBackend('cpu', { threads: 1 });
    expect(engine.getCpuThreads()).toBe(1);
    const single = await workload(engine);
    await setNumThreads(2, engine);
    expect(engine.getCpuKernels()).toBe('wasm-simd');
    const threaded = await workload(engine);
    expect(threaded.length).toBe(single.length);
    for (let i = 0; i < single.length; i++) expect(threaded[i]).toEqual(single[i]);
    await setNumThreads(1, engine);
    expect(await workload(engine)).toEqual(single);
    engine.destroy();
  });

  it('lets a new pool on the same heap serve its jobs (2 → 3 threads: the workers really take chunks)', async () => {
    const engine = new Engine();
    await engine.setBackend('cpu', { threads: 1 });
    const single = await workload(engine);
    await setNumThreads(2, engine);
    await setNumThreads(3, engine);
    const memory = engine.cpuHeap()!.memory;
    const before = workerChunks(memory);
    expect(await workload(engine)).toEqual(single);
    expect(workerChunks(memory)).toBeGreaterThan(before);
    engine.destroy();
  });

  it('keeps the current backend and rejects a bad thread count, naming the argument', async () => {
    const engine = new Engine();
    await engine.setBackend('webasm');
    await setNumThreads(2, engine);
    expect(engine.getBackend()).toBe('webasm');
    expect(engine.getCpuKernels()).toBe('wasm-simd');
    await expect(setNumThreads(0, engine)).rejects.toThrow(/setNumThreads: threads must be an integer from 1 to \d+, got 0/);
    await expect(setNumThreads(1.5, engine)).rejects.toThrow(/threads must be an integer/);
    await expect(engine.setBackend('cpu', { threads: 99 })).rejects.toThrow(/setBackend: options: threads must be an integer from 1 to 16, got 99/);
    engine.destroy();
  });

  it("defaults to the available cores ('auto'), keeps a chosen count across setBackend calls, and the 'js' kernels run on one", async () => {
    const engine = new Engine();
    const cores = Math.min(16, availableParallelism());
    await engine.setBackend('cpu');
    expect(engine.getCpuThreads()).toBe(cores);
    await setNumThreads(1, engine);
    await engine.setBackend('cpu');
    expect(engine.getCpuThreads()).toBe(1);
    await engine.setBackend('cpu', { threads: 'auto' });
    expect(engine.getCpuThreads()).toBe(cores);
    await engine.setBackend('cpu', { cpuKernels: 'js' });
    expect(engine.getCpuThreads()).toBe(1);
    engine.destroy();
  });
});

describe('a training step on 1 and 2 threads', () => {
  // Its 64×784·784×256 products (forward and weight gradient, 12.8·10⁶ multiply-adds) are split
  // between the threads; every other op runs on the calling thread.
  it('gives bit-identical MLP weights after three SGD steps (every op of the cpu backend sums in a fixed order)', async () => {
    const x = values(64 * 784, 77);
    const labels = Int32Array.from({ length: 64 }, (_, i) => (i * 7) % 10);
    await expectSameWeightsOnOneAndTwoThreads(
      () => new Sequential(new Linear(784, 256, { seed: 3 }), new ReLU(), new Linear(256, 10, { seed: 4 })),
      () => sgd({ lr: 0.05, momentum: 0.9 }),
      { x, shape: [64, 784], labels },
    );
  });
});
