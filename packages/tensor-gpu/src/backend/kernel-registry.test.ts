import { describe, expect, it } from 'vitest';
import { Engine } from '../engine';
import { builtinKernelRegistry } from '../kernels/builtin-registry';
import { ELEMENTWISE_BODIES } from '../kernels/elementwise';
import { JsHostKernels } from '../kernels/host-kernels';
import { tensor } from '../ops/creation';
import { matmul } from '../ops/matmul';
import type { HostKernel } from './kernel-spec';
import { KernelRegistry } from './kernel-registry';
import type { WgslKernel } from '../webgpu/wgsl-kernel';

const twice: HostKernel = ([a], out) => {
  for (let i = 0; i < out.length; i++) out[i] = 2 * a[i];
};

describe('KernelRegistry', () => {
  it('returns the registered implementation per (primitive, backend) and nothing elsewhere', () => {
    const r = new KernelRegistry();
    r.register('double', 'cpu', twice);
    expect(r.implementation('double', 'cpu')).toBe(twice);
    expect(r.implementation('double', 'webasm')).toBeUndefined();
    expect(r.implementation('triple', 'cpu')).toBeUndefined();
    r.unregister('double', 'cpu');
    expect(r.implementation('double', 'cpu')).toBeUndefined();
  });

  it('accepts the same function twice but a different one only with replace', () => {
    const r = new KernelRegistry();
    r.register('double', 'cpu', twice);
    r.register('double', 'cpu', twice);
    const other: HostKernel = (_, out) => out.fill(0);
    expect(() => r.register('double', 'cpu', other)).toThrow(/'double' already has an implementation on 'cpu'; pass \{ replace: true \}/);
    r.register('double', 'cpu', other, { replace: true });
    expect(r.implementation('double', 'cpu')).toBe(other);
  });

  it('rejects bad names, unknown or device-resident backends and non-functions with clear errors', () => {
    const r = new KernelRegistry();
    expect(() => r.register('', 'cpu', twice)).toThrow(/name must be a non-empty string/);
    expect(() => r.register('double', 'tpu' as never, twice)).toThrow(/backend must be one of .*got "tpu"/);
    expect(() => r.register('double', 'webgl2', twice)).toThrow(/host implementations run only on cpu and webasm/);
    expect(() => r.register('double', 'cpu', 42 as never)).toThrow(/run must be a function/);
  });

  it('the built-in table names host loops on cpu (products, optimizers, elementwise ops, softmax, binary16 rounding, reductions, gather, pooling) and WGSL products, convolutions, pooling, softmax and reductions on webgpu', () => {
    const all = builtinKernelRegistry(() => new JsHostKernels()).entries();
    expect(all.every((e) => e.backend === 'cpu' || e.backend === 'webgpu')).toBe(true);
    expect(all.filter((e) => e.backend === 'webgpu').map((e) => e.name)).toEqual(['argmax', 'argmin', 'avgPool2d', 'avgPool2dGrad', 'conv2d', 'conv2dInputGrad', 'conv2dWeightGrad', 'logSoftmax', 'logSoftmaxGrad', 'matmul', 'max', 'maxPool2d', 'maxPool2dGrad', 'mean', 'min', 'softmax', 'softmaxGrad', 'sum']);
    const entries = all.filter((e) => e.backend === 'cpu');
    const elementwise = Object.keys(ELEMENTWISE_BODIES);
    const expected = [
      'adam', 'conv2d', 'conv2dInputGrad', 'conv2dWeightGrad', 'matmul', 'optimAverage', 'optimSquaredAverage', 'packedSgdBuffer', 'packedSgdStep', 'sgd', 'sgdMomentum',
      ...elementwise, 'castFloat16', 'softmax', 'logSoftmax', 'softmaxGrad', 'logSoftmaxGrad', 'sum', 'mean', 'max', 'min', 'argmax', 'argmin', 'gather', 'maxPool2d', 'maxPool2dGrad', 'avgPool2d', 'avgPool2dGrad',
    ];
    expect(entries.map((e) => e.name)).toEqual([...expected].sort((a, b) => a.localeCompare(b)));
  });

  it('keeps float16 implementations apart from float32 ones, and rejects an unknown precision', () => {
    const r = new KernelRegistry();
    const rounded: HostKernel = (_, out) => out.fill(0.5);
    r.register('double', 'cpu', twice);
    r.register('double', 'cpu', rounded, { precision: 'float16' });
    expect(r.implementation('double', 'cpu')).toBe(twice);
    expect(r.implementation('double', 'cpu', 'float16')).toBe(rounded);
    expect(r.entries().map((e) => e.name)).toEqual(['double']);
    expect(r.entries('float16')).toEqual([{ name: 'double', backend: 'cpu' }]);
    expect(() => r.register('double', 'cpu', twice, { precision: 'float16' })).toThrow(/'double' already has a float16 implementation on 'cpu'; pass \{ replace: true \}/);
    expect(() => r.register('double', 'cpu', twice, { precision: 'float64' as never })).toThrow(/registerKernel: precision must be 'float32' or 'float16', got "float64"/);
    r.unregister('double', 'cpu', 'float16');
    expect(r.implementation('double', 'cpu', 'float16')).toBeUndefined();
    expect(r.implementation('double', 'cpu')).toBe(twice);
  });

  it('the built-in float16 table names host loops on cpu for the primitives of a training step except the convolutions', () => {
    const entries = builtinKernelRegistry(() => new JsHostKernels()).entries('float16');
    expect(entries.every((e) => e.backend === 'cpu')).toBe(true);
    const expected = [
      ...Object.keys(ELEMENTWISE_BODIES), 'matmul', 'sum', 'mean', 'max', 'min', 'softmax', 'logSoftmax', 'softmaxGrad', 'logSoftmaxGrad',
      'gather', 'maxPool2d', 'maxPool2dGrad', 'avgPool2d', 'avgPool2dGrad', 'sgd', 'sgdMomentum', 'optimAverage', 'optimSquaredAverage', 'adam',
    ];
    expect(entries.map((e) => e.name)).toEqual([...expected].sort((a, b) => a.localeCompare(b)));
  });

  it('WGSL kernels register by name and reject bad input with clear errors', () => {
    const r = new KernelRegistry();
    const kernel: WgslKernel = () => null;
    r.registerWgsl('double', kernel);
    r.registerWgsl('double', kernel); // the same function again: a no-op
    expect(r.wgslImplementation('double')).toBe(kernel);
    expect(() => r.registerWgsl('double', () => null)).toThrow(/already has a WGSL kernel; pass \{ replace: true \}/);
    expect(() => r.registerWgsl('', kernel)).toThrow(/name must be a non-empty string/);
    expect(() => r.registerWgsl('x', 42 as never)).toThrow(/kernel must be a function/);
    r.unregisterWgsl('double');
    expect(r.wgslImplementation('double')).toBeUndefined();
  });
});

describe('the engine chooses kernels through its registry', () => {
  it('a primitive runs the implementation its engine registers for the backend', async () => {
    const engine = new Engine();
    try {
      await engine.setBackend('cpu');
      const a = tensor(engine, [[1, 2], [3, 4]]);
      const builtin = matmul(a, a);
      expect(Array.from(await builtin.data())).toEqual([7, 10, 15, 22]);
      const filled: HostKernel = (_, out) => out.fill(-1);
      engine.kernels.register('matmul', 'cpu', filled, { replace: true });
      const replaced = matmul(a, a);
      expect(Array.from(await replaced.data())).toEqual([-1, -1, -1, -1]);
      engine.kernels.unregister('matmul', 'cpu');
      const portable = matmul(a, a);
      expect(Array.from(await portable.data())).toEqual([7, 10, 15, 22]);
      for (const x of [a, builtin, replaced, portable]) x.dispose();
    } finally {
      engine.destroy();
    }
  });
});
