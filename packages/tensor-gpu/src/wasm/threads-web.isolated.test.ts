import { describe, expect, it } from 'vitest';
import { valueAndGrad } from '../autodiff/grad';
import { Engine } from '../engine';
import { conv2d } from '../ops/conv';
import { tensor } from '../ops/creation';
import { mul } from '../ops/elementwise';
import { matmul } from '../ops/matmul';
import { sum } from '../ops/reduce';
import { closeness } from '../testing/compare';
import { expectNoLeaks } from '../testing/leaks';
import * as reference from '../testing/reference';
import { BrowserGemmWorkers } from './gemm-workers-browser';
import { workerChunks } from './parallel-job';
import { setNumThreads } from './set-num-threads';
import { SimdInstance } from './simd-instance';
import { WasmSimdKernels } from './simd-kernels';
import { MAX_THREADS } from './threads';
import { expectThreadedKernelsAgree, seededValues as values } from './thread-agreement.test-helper';

// In a cross-origin isolated page (the test server sends COOP/COEP) the cpu backend's products and
// convolutions split across Web Workers over one shared WebAssembly memory. Every output is still
// summed by one thread in the same order, so 1 and 2 threads agree bit for bit; both match float64.

function expectClose(actual: Float32Array, expected: ArrayLike<number>, rtol = 1e-4, atol = 1e-4): void {
  const c = closeness(actual, expected, rtol, atol);
  expect(c.ok, c.message).toBe(true);
}

const [M, N, P] = [300, 200, 260];
const CONV = { n: 2, c: 32, h: 14, w: 14, o: 32, k: 5, pad: 2 };

/** Float64 gradients of Σ conv2d(x, w)·g (stride 1, `pad` zeros each side) with respect to x and w. */
function convGradsReference(x: Float32Array, w: Float32Array, g: Float32Array): { dx: Float64Array; dw: Float64Array } {
  const { n, c, h, w: wd, o, k, pad } = CONV;
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  for (let b = 0; b < n; b++) for (let oc = 0; oc < o; oc++) for (let y = 0; y < h; y++) for (let xx = 0; xx < wd; xx++) {
    const gv = g[((b * o + oc) * h + y) * wd + xx];
    for (let ci = 0; ci < c; ci++) for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) {
      const iy = y - pad + ky;
      const ix = xx - pad + kx;
      if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
      const xi = ((b * c + ci) * h + iy) * wd + ix;
      const wi = ((oc * c + ci) * k + ky) * k + kx;
      dx[xi] += gv * w[wi];
      dw[wi] += gv * x[xi];
    }
  }
  return { dx, dw };
}

/** A large product and a convolution with their gradients on `engine`, read back: [y, dA, dB, conv, dx, dw]. */
async function workload(engine: Engine): Promise<Float32Array[]> {
  return expectNoLeaks(async () => {
    const a = tensor(engine, values(M * N, 1), [M, N]);
    const b = tensor(engine, values(N * P, 2), [N, P]);
    const g = tensor(engine, values(M * P, 3), [M, P]);
    const product = valueAndGrad((aa: typeof a, bb: typeof b) => sum(mul(matmul(aa, bb), g)))(a, b);
    const y = matmul(a, b);
    const { n, c, h, w: wd, o, k, pad } = CONV;
    const x = tensor(engine, values(n * c * h * wd, 4), [n, c, h, wd]);
    const w = tensor(engine, values(o * c * k * k, 5), [o, c, k, k]);
    const gy = tensor(engine, values(n * o * h * wd, 6), [n, o, h, wd]);
    const conv = valueAndGrad((xx: typeof x, ww: typeof w) => sum(mul(conv2d(xx, ww, { padding: pad }), gy)))(x, w);
    const z = conv2d(x, w, { padding: pad });
    const out = await Promise.all([y, ...product.grads, z, ...conv.grads].map((t) => t.data()));
    for (const t of [a, b, g, y, product.value, ...product.grads, x, w, gy, z, conv.value, ...conv.grads]) t.dispose();
    return out;
  }, engine);
}

/** Runs `fn` and returns how many chunks the worker threads of `engine`'s cpu heap took meanwhile. */
async function chunksOnWorkers(engine: Engine, fn: () => Promise<unknown>): Promise<number> {
  const memory = engine.cpuHeap()!.memory;
  const before = workerChunks(memory);
  await fn();
  return workerChunks(memory) - before;
}

describe('WebAssembly kernels on Web Workers (cross-origin isolated page)', () => {
  it('is cross-origin isolated, so memory can be shared', () => {
    expect(globalThis.crossOriginIsolated).toBe(true);
  });

  it('setNumThreads(2): a large matmul and a conv2d with their gradients, bit-identical to 1 thread and close to float64', async () => {
    const engine = new Engine();
    await engine.setBackend('cpu', { threads: 1 });
    expect(engine.getCpuThreads()).toBe(1);
    let single: Float32Array[] = [];
    expect(await chunksOnWorkers(engine, async () => (single = await workload(engine)))).toBe(0);

    await setNumThreads(2, engine);
    expect(engine.getCpuThreads()).toBe(2);
    expect(engine.getBackend()).toBe('cpu');
    let threaded: Float32Array[] = [];
    // The workers really ran chunks of the products and convolutions.
    expect(await chunksOnWorkers(engine, async () => (threaded = await workload(engine)))).toBeGreaterThan(0);
    expect(threaded.length).toBe(6);
    for (let i = 0; i < single.length; i++) expect(threaded[i]).toEqual(single[i]);

    // Float64 oracle: y = AB, d/dA Σ(AB)∘G = G Bᵀ, d/dB = Aᵀ G; the convolution and its gradients.
    const A = reference.ref([M, N], values(M * N, 1));
    const B = reference.ref([N, P], values(N * P, 2));
    const G = reference.ref([M, P], values(M * P, 3));
    expectClose(threaded[0], reference.matmul(A, B).data);
    expectClose(threaded[1], reference.matmul(G, reference.transpose(B, [1, 0])).data);
    expectClose(threaded[2], reference.matmul(reference.transpose(A, [1, 0]), G).data);
    const { n, c, h, w: wd, o, k, pad } = CONV;
    const x = values(n * c * h * wd, 4), w = values(o * c * k * k, 5), gy = values(n * o * h * wd, 6);
    const y = reference.conv2d(reference.ref([n, c, h, wd], x), reference.ref([o, c, k, k], w), { stride: [1, 1], padding: [pad, pad], dilation: [1, 1], groups: 1 });
    expectClose(threaded[3], y.data);
    const grads = convGradsReference(x, w, gy);
    expectClose(threaded[4], grads.dx);
    expectClose(threaded[5], grads.dw);

    // Back to one thread: the workers are gone and take nothing.
    await setNumThreads(1, engine);
    expect(engine.getCpuThreads()).toBe(1);
    let again: Float32Array[] = [];
    expect(await chunksOnWorkers(engine, async () => (again = await workload(engine)))).toBe(0);
    expect(again).toEqual(single);
    engine.destroy();
  });

  it('a new pool on the same heap serves its jobs (2 → 3 threads) with the same results', async () => {
    const engine = new Engine();
    await engine.setBackend('cpu', { threads: 1 });
    const single = await workload(engine);
    await setNumThreads(2, engine);
    await setNumThreads(3, engine);
    expect(engine.getCpuThreads()).toBe(3);
    let threaded: Float32Array[] = [];
    expect(await chunksOnWorkers(engine, async () => (threaded = await workload(engine)))).toBeGreaterThan(0);
    expect(threaded).toEqual(single);
    engine.destroy();
  });

  it("defaults to the page's cores ('auto', navigator.hardwareConcurrency)", async () => {
    const engine = new Engine();
    await engine.setBackend('cpu');
    expect(engine.getCpuThreads()).toBe(Math.max(1, Math.min(MAX_THREADS, navigator.hardwareConcurrency)));
    await engine.setBackend('cpu', { threads: 2 });
    expect(engine.getCpuThreads()).toBe(2);
    await expect(setNumThreads(99, engine)).rejects.toThrow(/setNumThreads: threads must be an integer from 1 to \d+, got 99/);
    engine.destroy();
  });

  it("'auto' stays on the calling thread when Web Workers cannot be created; a count asked for says why", async () => {
    const original = globalThis.Worker;
    // What a page whose Content-Security-Policy forbids Blob workers sees.
    globalThis.Worker = class {
      constructor() {
        throw new DOMException("Refused to create a worker from 'blob:…' (worker-src)", 'SecurityError');
      }
    } as unknown as typeof Worker;
    try {
      const engine = new Engine();
      await engine.setBackend('cpu');
      expect(engine.getCpuThreads()).toBe(1);
      await expect(setNumThreads(2, engine)).rejects.toThrow(/Web Worker could not be created from a Blob URL \(Refused to create a worker.*worker-src blob:/);
      expect(engine.getCpuThreads()).toBe(1);
      const y = matmul(tensor(engine, [1, 2, 3, 4], [2, 2]), tensor(engine, [5, 6, 7, 8], [2, 2]));
      expect(Array.from(await y.data())).toEqual([19, 22, 43, 50]);
      engine.destroy();
    } finally {
      globalThis.Worker = original;
    }
  });

  it('a pool started on its own memory splits products bit-identically and its workers stop when the kernels are disposed', async () => {
    const single = new WasmSimdKernels();
    const shared = new SimdInstance({ shared: true });
    const pool = await BrowserGemmWorkers.start(shared.module, shared.heap.memory, 1);
    shared.attach(pool);
    const threaded = new WasmSimdKernels(shared);
    expect(threaded.threads).toBe(2);
    // Blocks of rows (m ≥ p) and of columns (m < p).
    expectThreadedKernelsAgree(threaded, single, [[false, true]], 7);
    expect(shared.parallelProducts).toBe(4 + 3);
    expect(workerChunks(shared.heap.memory)).toBeGreaterThan(0);
    threaded.dispose();
    single.dispose();
    // Every worker left its loop, said so and was terminated (a pool that leaked a worker never settles).
    await pool.stopped;
    expect(() => threaded.matmul(new Float32Array(1), new Float32Array(1), new Float32Array(1), { batch: 1, m: 1, n: 1, p: 1, aBatchStride: 0, bBatchStride: 0, transposeA: false, transposeB: false })).toThrow(/disposed/);
  });
});
