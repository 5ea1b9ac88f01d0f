import { describe, expect, it } from 'vitest';
import { valueAndGrad } from '../autodiff/grad';
import { Engine } from '../engine';
import { conv2d } from '../ops/conv';
import { tensor } from '../ops/creation';
import { mul } from '../ops/elementwise';
import { matmul } from '../ops/matmul';
import { sum } from '../ops/reduce';
import { splitmix32 } from '../random';
import { expectNoLeaks } from '../testing/leaks';
import { setNumThreads } from './threads-node';

// Worker threads split large products into row blocks; every output is still summed by one
// thread in the same order, so 1 and 2 threads must agree bit for bit (values checked against
// float64 in simd-kernels.backends.test.ts and simd-conv.backends.test.ts).

function values(n: number, seed: number): Float32Array {
  const next = splitmix32(seed);
  return Float32Array.from({ length: n }, () => Math.fround(2 * next() - 1));
}

/** Every product and convolution result of a fixed workload on `engine`, read back. */
async function workload(engine: Engine): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  await expectNoLeaks(async () => {
    let seed = 1;
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
      const [m, n, p] = [131, 97, 75];
      const a = tensor(engine, values(m * n, seed++), ta ? [n, m] : [m, n]);
      const b = tensor(engine, values(n * p, seed++), tb ? [p, n] : [n, p]);
      const y = matmul(a, b, { transposeA: ta, transposeB: tb });
      out.push(await y.data());
      for (const z of [a, b, y]) z.dispose();
    }
    const x = tensor(engine, values(4 * 8 * 14 * 14, 50), [4, 8, 14, 14]);
    const w = tensor(engine, values(16 * 8 * 5 * 5, 51), [16, 8, 5, 5]);
    const g = tensor(engine, values(4 * 16 * 14 * 14, 52), [4, 16, 14, 14]);
    const { value, grads } = valueAndGrad((xx: typeof x, ww: typeof w) => sum(mul(conv2d(xx, ww, { padding: 2 }), g)))(x, w);
    const y = conv2d(x, w, { padding: 2 });
    out.push(await y.data(), await grads[0].data(), await grads[1].data());
    for (const z of [x, w, g, y, value, ...grads]) z.dispose();
  }, engine);
  return out;
}

describe('setNumThreads (Node worker threads)', () => {
  it('gives bit-identical products and convolutions with 1 and 2 threads', async () => {
    const engine = new Engine();
    await engine.setBackend('cpu');
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

  it('keeps the current backend and rejects a bad thread count, naming the argument', async () => {
    const engine = new Engine();
    await engine.setBackend('webasm');
    await setNumThreads(2, engine);
    expect(engine.getBackend()).toBe('webasm');
    expect(engine.getCpuKernels()).toBe('wasm-simd');
    await expect(setNumThreads(0, engine)).rejects.toThrow(/setNumThreads: threads must be an integer from 1 to \d+, got 0/);
    await expect(setNumThreads(1.5, engine)).rejects.toThrow(/threads must be an integer/);
    engine.destroy();
  });
});
