import { expect } from 'vitest';
import * as t from '../index';
import { splitmix32 } from '../random';
import { describeOnBackends } from '../testing/backend-suite.test-helper';

/** `out[i] = a[i]·a[i] + s·b[i]`: a kernel a package might define itself. */
function squarePlusKernel(size: number): t.KernelSpec<{ size: number }> {
  return {
    name: 'testSquarePlus',
    source: 'function (a, b, s) {\n  const i = this.thread.x;\n  return a[i] * a[i] + s * b[i];\n}',
    outSize: size,
    params: { size },
  };
}

const values = (n: number, seed: number) => {
  const next = splitmix32(seed);
  return Float32Array.from({ length: n }, () => next() * 4 - 2);
};

/** float64 reference of the kernel. */
const reference = (a: Float32Array, b: Float32Array, s: number) => Array.from(a, (v, i) => v * v + s * b[i]);

describeOnBackends('runKernel', (backend, test) => {
  test('runs a package kernel from its gpu.js source and matches a float64 reference', async () => {
    await t.expectNoLeaks(async () => {
      const [a, b] = [values(37, 1), values(37, 2)];
      const x = t.tensor(a, [37]);
      const y = t.tensor(b, [37]);
      const out = t.runKernel(squarePlusKernel(37), [x, y, 0.5], [37]);
      expect(out.shape).toEqual([37]);
      const got = await out.data();
      reference(a, b, 0.5).forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
      t.dispose([x, y, out]);
    });
  });

  test('rounds the output inside the kernel when asked for float16', async () => {
    await t.expectNoLeaks(async () => {
      const [a, b] = [values(16, 3), values(16, 4)];
      const x = t.tensor(a, [4, 4]);
      const y = t.tensor(b, [4, 4]);
      const out = t.runKernel(squarePlusKernel(16), [x, y, 1 / 3], [4, 4], 'float16');
      expect(out.dtype).toBe('float16');
      const exact = Float32Array.from(reference(a, b, 1 / 3));
      // The float32 kernel value rounded once to binary16 (the reference in float64 may sit on the other side of a tie only by ulp noise).
      const got = await out.data();
      const rounded = t.roundFloat32ArrayToFloat16(exact);
      got.forEach((v, i) => expect(Math.abs(v - rounded[i])).toBeLessThanOrEqual(Math.abs(rounded[i]) * 2 ** -10));
      expect(Array.from(got).every((v) => t.roundToFloat16(v) === v)).toBe(true);
      t.dispose([x, y, out]);
    });
  });

  test('runs the implementation registered for this backend instead of the source, on kernel outputs too', async () => {
    // A host loop that differs on purpose (it adds 1000) shows which implementation ran; host
    // loops can be registered where tensors live in host memory (cpu, webasm) and nowhere else.
    const marked: t.HostKernel<{ size: number }> = ([a, b], out, [s], { size }) => {
      for (let i = 0; i < size; i++) out[i] = a[i] * a[i] + s * b[i] + 1000;
    };
    const hostResident = t.HOST_RESIDENT_BACKENDS.includes(backend);
    if (hostResident) t.registerKernel('testSquarePlus', backend, marked);
    else expect(() => t.registerKernel('testSquarePlus', backend, marked)).toThrow(/host implementations run only on cpu and webasm/);
    try {
      const x = t.tensor([0, 1, 2]);
      const a = t.add(x, 1); // an input made by a kernel of this backend, not by an upload
      const y = t.tensor([1, 1, 1]);
      const out = t.runKernel(squarePlusKernel(3), [a, y, 2], [3]);
      const expected = hostResident ? [1003, 1006, 1011] : [3, 6, 11];
      expect(Array.from(await out.data())).toEqual(expected);
      t.dispose([x, a, y, out]);
    } finally {
      if (hostResident) t.defaultEngine.kernels.unregister('testSquarePlus', backend);
    }
  });

  test('rejects malformed specs, wrong sizes, disposed tensors and missing tensors with clear errors', async () => {
    const x = t.tensor([1, 2, 3]);
    const spec = squarePlusKernel(3);
    expect(() => t.runKernel(spec, [x, x, 1], [4])).toThrow(/spec.outSize of 'testSquarePlus' is 3, but shape \[4\] holds 4 values/);
    expect(() => t.runKernel({ ...spec, source: 'a + b' }, [x, x, 1], [3])).toThrow(/spec.source of 'testSquarePlus' must be gpu.js kernel source/);
    expect(() => t.runKernel({ ...spec, name: '' }, [x, x, 1], [3])).toThrow(/spec.name must be a non-empty string/);
    expect(() => t.runKernel(spec, [x, 'y' as never, 1], [3])).toThrow(/argument 1 of 'testSquarePlus' must be a Tensor or a number, got string/);
    expect(() => t.runKernel(spec, [1, 2, 3], [3])).toThrow(/expected at least one Tensor argument/);
    x.dispose();
    expect(() => t.runKernel(spec, [x, x, 1], [3])).toThrow(/was already disposed/);
  });
});
