import { describe, expect, it } from 'vitest';
import { Engine } from '../engine';
import { tensor } from '../ops/creation';
import { matmul } from '../ops/matmul';
import { splitmix32 } from '../random';
import { closeness } from '../testing/compare';
import * as reference from '../testing/reference';
import { setNumThreads } from './set-num-threads';
import { defaultThreadCount, startWasmSimdKernels } from './threads';

// A page without cross-origin isolation (this project's test server sends no COOP/COEP headers)
// cannot share WebAssembly memory with Web Workers: the cpu backend stays on the calling thread,
// silently by default and with an error that says why when more threads are asked for.

function values(n: number, seed: number): Float32Array {
  const next = splitmix32(seed);
  return Float32Array.from({ length: n }, () => Math.fround(2 * next() - 1));
}

const why = /setNumThreads: threads must be 1 here, got 2: .*cross-origin isolated.*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/;

describe('WebAssembly kernels in a page that is not cross-origin isolated', () => {
  it('default to 1 thread and compute large products there', async () => {
    expect(globalThis.crossOriginIsolated).toBe(false);
    expect(defaultThreadCount()).toBe(1);
    const engine = new Engine();
    await engine.setBackend('cpu');
    expect(engine.getCpuThreads()).toBe(1);
    expect(engine.getCpuKernels()).toBe('wasm-simd');
    const [m, n, p] = [300, 200, 260];
    const a = tensor(engine, values(m * n, 1), [m, n]);
    const b = tensor(engine, values(n * p, 2), [n, p]);
    const y = matmul(a, b);
    const c = closeness(await y.data(), reference.matmul(reference.ref([m, n], values(m * n, 1)), reference.ref([n, p], values(n * p, 2))).data, 1e-4, 1e-4);
    expect(c.ok, c.message).toBe(true);
    for (const t of [a, b, y]) t.dispose();
    engine.destroy();
  });

  it('reject more than 1 thread with an error naming the headers, and stay on 1', async () => {
    const engine = new Engine();
    await engine.setBackend('cpu');
    await expect(setNumThreads(2, engine)).rejects.toThrow(why);
    await expect(engine.setBackend('cpu', { threads: 2 })).rejects.toThrow(/setBackend: options: threads must be 1 here, got 2: .*Cross-Origin-Opener-Policy/);
    await expect(startWasmSimdKernels(2)).rejects.toThrow(/startWasmSimdKernels: threads must be 1 here/);
    expect(engine.getCpuThreads()).toBe(1);
    await setNumThreads(1, engine);
    await setNumThreads('auto', engine);
    expect(engine.getCpuThreads()).toBe(1);
    // A bad count is still reported as such, before the environment.
    await expect(setNumThreads(0, engine)).rejects.toThrow(/threads must be an integer from 1 to \d+, got 0/);
    engine.destroy();
  });
});
