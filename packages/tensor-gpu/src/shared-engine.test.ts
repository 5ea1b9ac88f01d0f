import { describe, expect, it } from 'vitest';
import { DeviceBuffer } from './backend/device-buffer';
import { Device } from './backend/device';
import { KernelRegistry } from './backend/kernel-registry';
import { defaultEngine } from './default-engine';
import { Engine } from './engine';
import { Module } from './nn/module';
import { Linear } from './nn/linear';
import { Parameter } from './nn/parameter';
import { Sequential } from './nn/containers';
import { tensor } from './ops/creation';
import { ENGINE_PROTOCOL, SHARED_ENGINE_KEY, sharedEngine, type SharedEngineRecord } from './shared-engine';
import { Tensor } from './tensor';
import { WebGpuDevice } from './webgpu/webgpu-device';

describe('sharedEngine', () => {
  it('makes one engine per store, records it with its protocol and version, and returns it again', () => {
    const store = {};
    const engine = sharedEngine(store, '1.2.3');
    expect(engine).toBeInstanceOf(Engine);
    expect(sharedEngine(store, '1.4.0')).toBe(engine);
    const record = (store as Record<symbol, SharedEngineRecord>)[SHARED_ENGINE_KEY];
    expect(record).toEqual({ protocol: ENGINE_PROTOCOL, version: '1.2.3', engine });
    expect(Object.keys(store)).toEqual([]);
    expect(() => {
      (store as Record<symbol, unknown>)[SHARED_ENGINE_KEY] = {};
    }).toThrow(TypeError);
  });

  it('is what the module-level functions use: the record on globalThis', () => {
    expect((globalThis as Record<symbol, SharedEngineRecord>)[SHARED_ENGINE_KEY].engine).toBe(defaultEngine);
    expect(SHARED_ENGINE_KEY).toBe(Symbol.for('@nnlab/tensor-gpu:engine'));
  });

  it('refuses an engine of another protocol, naming both versions and what to do', () => {
    const store = { [SHARED_ENGINE_KEY]: { protocol: ENGINE_PROTOCOL + 1, version: '9.0.0', engine: new Engine() } };
    expect(() => sharedEngine(store, '1.2.3')).toThrow(
      `@nnlab/tensor-gpu 1.2.3 (engine protocol ${ENGINE_PROTOCOL}) cannot share the engine of @nnlab/tensor-gpu 9.0.0 (engine protocol ${ENGINE_PROTOCOL + 1})`,
    );
    expect(() => sharedEngine(store, '1.2.3')).toThrow(/Install a single version \(`npm ls @nnlab\/tensor-gpu` lists the copies/);
  });

  it('refuses a slot that holds something else', () => {
    expect(() => sharedEngine({ [SHARED_ENGINE_KEY]: 42 }, '1.2.3')).toThrow(/holds number, not the engine record \{ protocol, version, engine \}/);
    expect(() => sharedEngine({ [SHARED_ENGINE_KEY]: null }, '1.2.3')).toThrow(/holds null/);
  });
});

describe('instanceof across copies of the package', () => {
  // What another copy's classes produce: objects with this copy's brands but other prototypes.
  const foreign = (name: string) => ({ [Symbol.for(`@nnlab/tensor-gpu:${name}`)]: true });

  it('accepts branded objects for Tensor, Module and Parameter, and nothing else', () => {
    expect(foreign('Tensor') instanceof Tensor).toBe(true);
    expect(foreign('Module') instanceof Module).toBe(true);
    expect(foreign('Parameter') instanceof Parameter).toBe(true);
    expect(foreign('Module') instanceof Tensor).toBe(false);
    expect({ shape: [1], dtype: 'float32' } instanceof Tensor).toBe(false);
    expect((null as unknown) instanceof Tensor).toBe(false);
    const x = tensor(new Engine(), [1, 2]);
    expect(x instanceof Tensor).toBe(true);
    expect(x instanceof Module).toBe(false);
  });

  it('keeps the prototype check for subclasses', () => {
    const layer = new Linear(2, 1, { seed: 1 });
    const model = new Sequential(layer);
    expect(layer instanceof Module && model instanceof Module).toBe(true);
    expect(layer instanceof Sequential).toBe(false);
    expect(model instanceof Sequential).toBe(true);
    expect(foreign('Module') instanceof Sequential).toBe(false);
    model.dispose();
  });
});

describe('ENGINE_PROTOCOL', () => {
  // The members one copy calls on objects that another copy made, by protocol. When they change, a
  // copy built before would call what is not there: raise ENGINE_PROTOCOL and record its list here.
  const membersByProtocol: Record<number, Record<string, string[]>> = {
    1: {
      Engine: ['constructor', 'cpuHostKernels', 'currentDevice', 'destroy', 'deviceOf', 'disposeScope', 'getBackend', 'getCpuKernels', 'isRecorded', 'keep', 'makeTensor', 'memory', 'nextRandomSeed', 'nextTensorId', 'noGrad', 'pushTape', 'read', 'readNow', 'record', 'recording', 'release', 'removeTape', 'setBackend', 'tidy', 'useCpuKernels', 'view'],
      Device: ['asynchronous', 'call', 'constructor', 'destroy', 'free', 'hostResident', 'kernel', 'owns', 'read', 'readNow', 'run', 'runOnHost', 'track', 'upload', 'verify'],
      DeviceBuffer: ['bytes', 'constructor', 'pending'],
      KernelRegistry: ['constructor', 'entries', 'implementation', 'register', 'unregister'],
      Tensor: ['array', 'assertLive', 'constructor', 'data', 'dispose', 'isDisposed', 'rank', 'toString'],
      Module: ['addBuffer', 'addModule', 'addParameter', 'call', 'checkFreeName', 'constructor', 'dispose', 'disposeState', 'eval', 'namedBuffers', 'namedChildren', 'namedParameters', 'parameters', 'train', 'trainableParameters'],
      Parameter: ['assign', 'constructor'],
    },
    // 2: the cpu backend's thread count (setCpuThreads, getCpuThreads) and host-array reuse in Device.
    2: {
      Engine: ['constructor', 'cpuHostKernels', 'currentDevice', 'destroy', 'deviceOf', 'disposeScope', 'getBackend', 'getCpuKernels', 'getCpuThreads', 'isRecorded', 'keep', 'makeTensor', 'memory', 'nextRandomSeed', 'nextTensorId', 'noGrad', 'pushTape', 'read', 'readNow', 'record', 'recording', 'release', 'removeTape', 'setBackend', 'setCpuThreads', 'startCpuThreads', 'tidy', 'useCpuKernels', 'view'],
      Device: ['asynchronous', 'call', 'constructor', 'destroy', 'free', 'hostResident', 'kernel', 'owns', 'read', 'readHandle', 'readNow', 'run', 'runOnHost', 'track', 'upload', 'verify'],
      DeviceBuffer: ['bytes', 'constructor', 'pending'],
      KernelRegistry: ['constructor', 'entries', 'implementation', 'register', 'unregister'],
      Tensor: ['array', 'assertLive', 'constructor', 'data', 'dispose', 'isDisposed', 'rank', 'toString'],
      Module: ['addBuffer', 'addModule', 'addParameter', 'call', 'checkFreeName', 'constructor', 'dispose', 'disposeState', 'eval', 'namedBuffers', 'namedChildren', 'namedParameters', 'parameters', 'train', 'trainableParameters'],
      Parameter: ['assign', 'constructor'],
    },
    // 3: the webgpu backend: the engine makes a WebGpuDevice; the registry holds WGSL kernels.
    3: {
      Engine: ['constructor', 'cpuHostKernels', 'currentDevice', 'destroy', 'deviceOf', 'disposeScope', 'getBackend', 'getCpuKernels', 'getCpuThreads', 'isRecorded', 'keep', 'makeTensor', 'memory', 'nextRandomSeed', 'nextTensorId', 'noGrad', 'pushTape', 'read', 'readNow', 'record', 'recording', 'release', 'removeTape', 'setBackend', 'setCpuThreads', 'startCpuThreads', 'tidy', 'useCpuKernels', 'useWebGpu', 'view', 'webgpuStats'],
      Device: ['asynchronous', 'call', 'constructor', 'destroy', 'free', 'hostResident', 'kernel', 'owns', 'read', 'readHandle', 'readNow', 'run', 'runOnHost', 'track', 'upload', 'verify'],
      WebGpuDevice: ['assertAlive', 'commandEncoder', 'compiledKernels', 'constructor', 'destroy', 'dispatch', 'flush', 'free', 'owns', 'portable', 'read', 'readNow', 'run', 'stats', 'throwRecordedErrors', 'track', 'upload'],
      DeviceBuffer: ['bytes', 'constructor', 'pending'],
      KernelRegistry: ['constructor', 'entries', 'implementation', 'register', 'registerWgsl', 'unregister', 'unregisterWgsl', 'wgslImplementation'],
      Tensor: ['array', 'assertLive', 'constructor', 'data', 'dispose', 'isDisposed', 'rank', 'toString'],
      Module: ['addBuffer', 'addModule', 'addParameter', 'call', 'checkFreeName', 'constructor', 'dispose', 'disposeState', 'eval', 'namedBuffers', 'namedChildren', 'namedParameters', 'parameters', 'train', 'trainableParameters'],
      Parameter: ['assign', 'constructor'],
    },
    // 4: the cpu backend's tensors live in the engine's WebAssembly heap (cpuHeap, createDevice); memory() reports it.
    4: {
      Engine: ['constructor', 'cpuHeap', 'cpuHostKernels', 'createDevice', 'currentDevice', 'destroy', 'deviceOf', 'disposeScope', 'getBackend', 'getCpuKernels', 'getCpuThreads', 'isRecorded', 'keep', 'makeTensor', 'memory', 'nextRandomSeed', 'nextTensorId', 'noGrad', 'pushTape', 'read', 'readNow', 'record', 'recording', 'release', 'removeTape', 'setBackend', 'setCpuThreads', 'startCpuThreads', 'tidy', 'useCpuKernels', 'useWebGpu', 'view', 'webgpuStats'],
      Device: ['asynchronous', 'call', 'constructor', 'destroy', 'free', 'hostResident', 'kernel', 'owns', 'read', 'readHandle', 'readNow', 'run', 'runOnHost', 'track', 'upload', 'verify'],
      WebGpuDevice: ['assertAlive', 'commandEncoder', 'compiledKernels', 'constructor', 'destroy', 'dispatch', 'flush', 'free', 'owns', 'portable', 'read', 'readNow', 'run', 'stats', 'throwRecordedErrors', 'track', 'upload'],
      DeviceBuffer: ['bytes', 'constructor', 'pending'],
      KernelRegistry: ['constructor', 'entries', 'implementation', 'register', 'registerWgsl', 'unregister', 'unregisterWgsl', 'wgslImplementation'],
      Tensor: ['array', 'assertLive', 'constructor', 'data', 'dispose', 'isDisposed', 'rank', 'toString'],
      Module: ['addBuffer', 'addModule', 'addParameter', 'call', 'checkFreeName', 'constructor', 'dispose', 'disposeState', 'eval', 'namedBuffers', 'namedChildren', 'namedParameters', 'parameters', 'train', 'trainableParameters'],
      Parameter: ['assign', 'constructor'],
    },
    // 5: float16 host implementations: the registry keys them by output precision (table); Engine.getFloat16Kernels.
    5: {
      Engine: ['constructor', 'cpuHeap', 'cpuHostKernels', 'createDevice', 'currentDevice', 'destroy', 'deviceOf', 'disposeScope', 'getBackend', 'getCpuKernels', 'getCpuThreads', 'getFloat16Kernels', 'isRecorded', 'keep', 'makeTensor', 'memory', 'nextRandomSeed', 'nextTensorId', 'noGrad', 'pushTape', 'read', 'readNow', 'record', 'recording', 'release', 'removeTape', 'setBackend', 'setCpuThreads', 'startCpuThreads', 'tidy', 'useCpuKernels', 'useWebGpu', 'view', 'webgpuStats'],
      Device: ['asynchronous', 'call', 'constructor', 'destroy', 'free', 'hostResident', 'kernel', 'owns', 'read', 'readHandle', 'readNow', 'run', 'runOnHost', 'track', 'upload', 'verify'],
      WebGpuDevice: ['assertAlive', 'commandEncoder', 'compiledKernels', 'constructor', 'destroy', 'dispatch', 'flush', 'free', 'owns', 'portable', 'read', 'readNow', 'run', 'stats', 'throwRecordedErrors', 'track', 'upload'],
      DeviceBuffer: ['bytes', 'constructor', 'pending'],
      KernelRegistry: ['constructor', 'entries', 'implementation', 'register', 'registerWgsl', 'table', 'unregister', 'unregisterWgsl', 'wgslImplementation'],
      Tensor: ['array', 'assertLive', 'constructor', 'data', 'dispose', 'isDisposed', 'rank', 'toString'],
      Module: ['addBuffer', 'addModule', 'addParameter', 'call', 'checkFreeName', 'constructor', 'dispose', 'disposeState', 'eval', 'namedBuffers', 'namedChildren', 'namedParameters', 'parameters', 'train', 'trainableParameters'],
      Parameter: ['assign', 'constructor'],
    },
  };
  const members = (cls: { prototype: object }) => Object.getOwnPropertyNames(cls.prototype).sort();

  it('names the members of the shared classes as recorded for it', () => {
    // WebGpuDevice is shared from protocol 3 on.
    const current = { Engine, Device, WebGpuDevice, DeviceBuffer, KernelRegistry, Tensor, Module, Parameter };
    expect(Object.fromEntries(Object.entries(current).map(([name, cls]) => [name, members(cls)]))).toEqual(membersByProtocol[ENGINE_PROTOCOL]);
  });
});
