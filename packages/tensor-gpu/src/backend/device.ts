import { GPU } from 'gpu.js';
import * as gpuJs from 'gpu.js';
import { DeviceBuffer } from './device-buffer';
import { HostBufferPool } from './host-buffer-pool';
import type { HostArrays } from './host-arrays';
import { KERNEL_CLASS_OF, type BackendName } from './names';
import { withFloat16Output } from '../fp16/kernel-rounding';
import { HOST_RESIDENT_BACKENDS } from './kernel-registry';
import type { HostKernel, KernelSpec, OutputPrecision } from './kernel-spec';
import type { KernelDevice } from './kernel-device';

type KernelFunction = ((...args: unknown[]) => unknown) & { kernel?: any; destroy?: () => void };

/** gpu.js's exports by name, where its kernel classes are found (its typings omit some). */
const gpuJsExports = gpuJs as unknown as Readonly<Record<string, unknown>>;

const UPLOAD_SOURCE = 'function (a) { return a[this.thread.x]; }';

/**
 * One gpu.js instance on one backend, with its kernel cache. Kernels are compiled once per
 * (source, output size): the source text already encodes shapes and dtype, so a training loop
 * compiles nothing after its first step. Every compiled kernel is checked to really run on the
 * requested backend: gpu.js may silently degrade a kernel to its cpu backend, which is an error here.
 */
export class Device implements KernelDevice {
  private readonly gpu: any;
  private readonly kernels = new Map<string, KernelFunction>();
  private readonly verified = new WeakSet<object>();
  /** Where buffers on host-resident backends get their arrays (and give them back for reuse). */
  private readonly arrays: HostArrays;
  /** Kernels compiled so far on this device. */
  compiledKernels = 0;
  /** Live device buffers and their bytes. */
  liveBuffers = 0;
  liveBytes = 0;

  /**
   * `arrays`: where a host-resident backend's buffers live (default: a pool of JavaScript arrays;
   * the cpu backend passes its WebAssembly heap).
   */
  constructor(readonly backend: BackendName, arrays: HostArrays = new HostBufferPool()) {
    this.gpu = new GPU({ mode: backend });
    this.arrays = arrays;
  }

  /** True for backends whose kernels resolve asynchronously (webgpu). */
  get asynchronous(): boolean {
    return this.backend === 'webgpu';
  }

  /** True where tensors live in host memory (cpu, webasm): uploads and reads are plain copies. */
  get hostResident(): boolean {
    return HOST_RESIDENT_BACKENDS.includes(this.backend);
  }

  /** Copies host values into a new device buffer. */
  upload(values: Float32Array): DeviceBuffer {
    if (this.hostResident) {
      const copy = this.arrays.take(values.length);
      copy.set(values);
      return this.track(new DeviceBuffer(copy, values.length));
    }
    return this.run({ name: 'upload', source: UPLOAD_SOURCE, outSize: values.length }, [values]);
  }

  /**
   * Runs a kernel whose arguments are `args` in order: device buffers, host arrays or scalar
   * numbers. Returns the output as a new buffer. `host`, the implementation the kernel registry
   * chose for this backend and `precision`, runs instead of the gpu.js source (a float16 one
   * rounds its outputs to binary16 itself).
   */
  run(spec: KernelSpec, kernelArgs: readonly (DeviceBuffer | Float32Array | number)[], precision: OutputPrecision = 'float32', host?: HostKernel): DeviceBuffer {
    if (host && this.hostResident) return this.runOnHost(host, spec, kernelArgs);
    // float16 kernels take +Infinity as a trailing scalar argument (see kernels/fp16.ts).
    const args = precision === 'float16' ? [...kernelArgs, Infinity] : kernelArgs;
    const inputs = args.filter((a): a is DeviceBuffer => a instanceof DeviceBuffer);
    const fn = this.kernel(spec, precision);
    const pending = inputs.some((b) => b.pending);
    let handle: unknown;
    if (pending) {
      handle = Promise.all(args.map((a) => (a instanceof DeviceBuffer ? a.handle : a))).then((hs) => this.call(fn, spec, hs));
    } else {
      handle = this.call(fn, spec, args.map((a) => (a instanceof DeviceBuffer ? a.handle : a)));
    }
    if (handle instanceof Promise) {
      handle.catch(() => undefined); // readers see the rejection; this branch only silences it
      for (const b of inputs) b.uses.push(handle);
    }
    return this.track(new DeviceBuffer(handle, spec.outSize));
  }

  private runOnHost(host: HostKernel, spec: KernelSpec, args: readonly (DeviceBuffer | Float32Array | number)[]): DeviceBuffer {
    const values = args.map((a) => (a instanceof DeviceBuffer ? (a.handle as Float32Array) : a));
    const inputs = values.filter((a): a is Float32Array => a instanceof Float32Array);
    const scalars = values.filter((a): a is number => typeof a === 'number');
    const out = this.arrays.take(spec.outSize);
    host(inputs, out, scalars, spec.params);
    return this.track(new DeviceBuffer(out, spec.outSize));
  }

  /**
   * Reads a buffer back to the host. A host array is copied before this returns, so disposing the
   * tensor right after the call (its block or array reused by a later output) cannot change what
   * is read, and the caller owns the copy.
   */
  read(buffer: DeviceBuffer): Promise<Float32Array> {
    if (buffer.handle instanceof Float32Array) return Promise.resolve(Float32Array.from(buffer.handle));
    return this.readHandle(buffer);
  }

  private async readHandle(buffer: DeviceBuffer): Promise<Float32Array> {
    const handle: any = await buffer.handle;
    if (handle instanceof Float32Array) return Float32Array.from(handle);
    const values = await handle.toArray();
    return values instanceof Float32Array ? Float32Array.from(values) : Float32Array.from(values as ArrayLike<number>);
  }

  /**
   * Reads a buffer back without waiting, where this backend can: host memory (cpu, webasm) and GL
   * textures read synchronously. Returns null for WebGPU, whose reads are asynchronous, and for a
   * buffer whose kernel is still pending. The array may be the buffer's own storage: do not write to it.
   */
  readNow(buffer: DeviceBuffer): ArrayLike<number> | null {
    if (this.asynchronous || buffer.pending) return null;
    const handle: any = buffer.handle;
    if (handle instanceof Float32Array) return handle;
    const values: unknown = handle?.toArray?.();
    return values instanceof Float32Array || Array.isArray(values) ? (values as ArrayLike<number>) : null;
  }

  /** Frees a buffer once every kernel that reads it has been submitted. */
  free(buffer: DeviceBuffer): void {
    this.liveBuffers--;
    this.liveBytes -= buffer.bytes;
    if (this.hostResident) {
      if (buffer.handle instanceof Float32Array) this.arrays.give(buffer.handle);
      return;
    }
    const release = (h: any) => h?.delete?.();
    if (buffer.pending || buffer.uses.length > 0) {
      void Promise.allSettled([buffer.handle, ...buffer.uses]).then(([own]) => {
        if (own.status === 'fulfilled') release(own.value);
      });
    } else {
      release(buffer.handle);
    }
  }

  /** Destroys every compiled kernel and the gpu.js instance. */
  destroy(): void {
    for (const k of this.kernels.values()) k.destroy?.();
    this.kernels.clear();
    this.arrays.clear();
    this.gpu.destroy?.();
  }

  /** True when `buffer` was made by this device. */
  owns(buffer: DeviceBuffer): boolean {
    return buffer.device === this;
  }

  private track(buffer: DeviceBuffer): DeviceBuffer {
    buffer.device = this;
    this.liveBuffers++;
    this.liveBytes += buffer.bytes;
    return buffer;
  }

  private kernel(spec: KernelSpec, precision: OutputPrecision): KernelFunction {
    const key = `${spec.outSize}|${precision}|${spec.source}`;
    let fn = this.kernels.get(key);
    if (!fn) {
      const source = precision === 'float16' ? withFloat16Output(spec).source : spec.source;
      fn = this.gpu.createKernel(source, {
        output: [spec.outSize],
        precision: 'single',
        tactic: 'precision',
        pipeline: true,
        immutable: true,
        loopMaxIterations: Math.max(1000, (spec.loopMax ?? 0) + 1),
      }) as KernelFunction;
      this.kernels.set(key, fn);
      this.compiledKernels++;
    }
    return fn;
  }

  private call(fn: KernelFunction, spec: KernelSpec, args: unknown[]): unknown {
    const result = fn(...args);
    if (result instanceof Promise) return result.then((r) => (this.verify(fn, spec), r));
    this.verify(fn, spec);
    return result;
  }

  /** Fails when gpu.js ran the kernel anywhere but on the requested backend. */
  private verify(fn: KernelFunction, spec: KernelSpec): void {
    const impl = fn.kernel;
    if (!impl || this.verified.has(impl)) return;
    // Compared by identity with gpu.js's exported class, not by name: an application's minifier
    // renames classes, which made every kernel look like a fallback in minified browser bundles.
    if (impl.constructor !== gpuJsExports[KERNEL_CLASS_OF[this.backend]] || impl.fallbackReason) {
      const ran = Object.keys(gpuJsExports).find((name) => gpuJsExports[name] === impl.constructor) ?? impl.constructor?.name;
      throw new Error(
        `tensor-gpu: kernel '${spec.name}' did not run on backend '${this.backend}' (gpu.js used ${ran}` +
          `${impl.fallbackReason ? `: ${impl.fallbackReason}` : ''}); refusing a silent fallback`,
      );
    }
    this.verified.add(impl);
  }
}
