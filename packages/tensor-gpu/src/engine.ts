import { availableBackends, isBackendAvailable } from './backend/availability';
import { Device } from './backend/device';
import type { KernelDevice } from './backend/kernel-device';
import type { DeviceBuffer } from './backend/device-buffer';
import type { KernelRegistry } from './backend/kernel-registry';
import { builtinKernelRegistry } from './kernels/builtin-registry';
import { createCpuHeap, createHostKernels } from './backend/cpu-kernels';
import { isBackendRequest, type BackendName, type BackendRequest } from './backend/names';
import type { DType } from './dtype';
import type { CpuKernels, HostKernels } from './kernels/host-kernels';
import type { Shape } from './shape';
import { Tensor } from './tensor';
import { acquireDevice } from './webgpu/acquire';
import { isGpuLike, navigatorGpu, type GpuLike } from './webgpu/gpu-like';
import { WebGpuDevice, type WebGpuCounters } from './webgpu/webgpu-device';
import { checkThreadCount, defaultThreadCount, startWasmSimdKernels } from './wasm/threads';
import type { WasmHeap } from './wasm/wasm-heap';

/** @internal A recorded op: how to turn the gradient of its output into gradients of its inputs. */
export interface TapeEntry {
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  /** Gradients of the inputs from the output gradient; `needed[i]` is false where input i needs none (a rule may return null there). */
  readonly backward: (dy: Tensor, needed: readonly boolean[]) => readonly (Tensor | null)[];
}

/** @internal One active gradient recording (nested `valueAndGrad` calls each have one). */
export interface Tape {
  readonly entries: TapeEntry[];
  /** Ids of tensors that depend on a watched input. */
  readonly watched: Set<number>;
  /** Tensors the recorded backward rules still read; `tidy` leaves them to the tape's owner. */
  readonly held: Set<Tensor>;
}

/** What `memory()` reports. */
export interface MemoryInfo {
  /** Live tensors. */
  numTensors: number;
  /** Bytes held by live device buffers. */
  numBytes: number;
  /** Live device buffers (reshaped tensors share one). */
  numBuffers: number;
  /** Kernels compiled on the current backend so far. */
  numKernels: number;
  /**
   * Bytes of the `cpu` backend's WebAssembly heap in use: the blocks of the tensors that live
   * there plus the kernels' scratch (0 where the cpu backend keeps its tensors in JavaScript arrays).
   */
  numHeapBytes: number;
  /** Bytes of the heap's blocks that hold tensors (part of `numHeapBytes`; the leak check compares it). */
  numHeapTensorBytes: number;
}

/** Options of `setBackend`. */
export interface BackendOptions {
  /**
   * The `cpu` backend's product kernels: `'wasm-simd'` (the default; an error where WebAssembly
   * SIMD is missing) or `'js'` (plain JavaScript). Kept for later calls; other backends ignore it.
   */
  cpuKernels?: CpuKernels;
  /**
   * The WebGPU entry object the `webgpu` backend requests its adapter from (default
   * `navigator.gpu`). In Node pass `await nodeWebGpu()` from `@nnlab/tensor-gpu/node`.
   */
  gpu?: GpuLike;
  /**
   * Threads of the `cpu` backend's WebAssembly products (calling thread included): a count, or
   * `'auto'` (the default): the available cores in Node (`os.availableParallelism()`) and in a
   * cross-origin isolated browser page (`navigator.hardwareConcurrency`; Web Workers), 1 in a page
   * that is not isolated, where asking for more throws (the page needs the headers
   * `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`).
   * Kept for later calls; ignored by the `'js'` kernels and other backends.
   */
  threads?: number | 'auto';
}

/**
 * The state behind the functional API: the current device, memory scopes and gradient tapes.
 * The package creates one engine for its module-level functions (`setBackend`, `tidy`, ops);
 * nothing else is global.
 */
export class Engine {
  private device: KernelDevice | null = null;
  private readonly devices = new Map<BackendName, KernelDevice>();
  private lastId = 0;
  private liveTensors = 0;
  private readonly scopes: Set<Tensor>[] = [];
  private readonly kept = new Set<number>();
  /** Active gradient tapes, innermost last. */
  private readonly tapes: Tape[] = [];
  private noGradDepth = 0;
  /** The cpu backend's products (matmul, convolutions), made when first needed; this engine owns them. */
  private cpuProducts: HostKernels | null = null;
  private cpuProductsChoice: CpuKernels = 'wasm-simd';
  /** The WebAssembly heap the cpu backend's tensors and kernels live in: undefined until first needed, null where none can be made. */
  private cpuHeapOrNull: WasmHeap | null | undefined = undefined;
  /** Threads the cpu backend's WebAssembly kernels were asked for. */
  private cpuThreadsChoice: number | 'auto' = 'auto';
  /** Which implementation runs each primitive on each backend (see `registerKernel`). */
  readonly kernels: KernelRegistry = builtinKernelRegistry(() => this.cpuHostKernels());

  /** Selects the backend; `'auto'` picks the best available. Throws if it cannot run here. */
  async setBackend(request: BackendRequest, options: BackendOptions = {}): Promise<BackendName> {
    const { cpuKernels, gpu, threads } = options;
    if (gpu !== undefined && !isGpuLike(gpu)) {
      throw new Error(`setBackend: options.gpu must be a WebGPU entry object with requestAdapter() (navigator.gpu, or nodeWebGpu() from '@nnlab/tensor-gpu/node'), got ${gpu === null ? 'null' : typeof gpu}`);
    }
    if (cpuKernels !== undefined && cpuKernels !== 'wasm-simd' && cpuKernels !== 'js') {
      throw new Error(`setBackend: options.cpuKernels must be 'wasm-simd' or 'js', got ${JSON.stringify(cpuKernels)}`);
    }
    if (threads !== undefined && threads !== 'auto') checkThreadCount(threads, 'setBackend: options');
    if (!isBackendRequest(request)) {
      throw new Error(`setBackend: unknown backend '${String(request)}'; expected 'auto', 'cpu', 'webasm', 'headlessgl', 'webgl', 'webgl2' or 'webgpu'`);
    }
    let name: BackendName;
    if (request === 'webgpu' || (request === 'auto' && gpu)) {
      if (await this.useWebGpu(gpu ?? navigatorGpu(), request === 'webgpu')) return 'webgpu';
      name = (await availableBackends()).find((b) => b !== 'webgpu') ?? 'cpu';
    } else if (request === 'auto') {
      const found = await availableBackends();
      name = found[0] ?? 'cpu';
      if (name === 'webgpu' && (await this.useWebGpu(navigatorGpu(), false))) return 'webgpu';
      if (name === 'webgpu') name = found[1] ?? 'cpu';
    } else {
      if (!(await isBackendAvailable(request))) {
        throw new Error(`setBackend: backend '${request}' is not available in this environment` +
          (request === 'headlessgl' ? ' (headless-gl needs the gl package built and an X display, e.g. xvfb-run)' : ''));
      }
      name = request;
    }
    if (name === 'cpu') {
      // Made now, so that missing WebAssembly SIMD is reported here rather than at the first product.
      if (cpuKernels && cpuKernels !== this.cpuProducts?.name) this.useCpuKernels(createHostKernels(cpuKernels, this.cpuHeap()));
      else this.cpuHostKernels();
      if (threads !== undefined) this.cpuThreadsChoice = threads;
      if (this.cpuProducts?.name === 'wasm-simd') await this.startCpuThreads();
    }
    let device = this.devices.get(name);
    if (!device) {
      device = this.createDevice(name);
      this.devices.set(name, device);
    }
    this.device = device;
    return name;
  }

  /**
   * Makes the webgpu device current, creating it on first use from `gpu`. Returns false when no
   * adapter is available and `required` is false; throws a clear error when it is true.
   */
  private async useWebGpu(gpu: GpuLike | null, required: boolean): Promise<boolean> {
    let device = this.devices.get('webgpu');
    if (!device) {
      if (!gpu) {
        if (!required) return false;
        throw new Error("setBackend: backend 'webgpu' needs WebGPU: navigator.gpu in a browser, or in Node setBackend('webgpu', { gpu: await nodeWebGpu() }) with nodeWebGpu from '@nnlab/tensor-gpu/node' (and the optional package `webgpu` installed)");
      }
      const acquired = await acquireDevice(gpu);
      if (!acquired) {
        if (!required) return false;
        throw new Error("setBackend: backend 'webgpu' is not available in this environment (requestAdapter() found no adapter)");
      }
      device = new WebGpuDevice(acquired, this.kernels);
      this.devices.set('webgpu', device);
    }
    this.device = device;
    return true;
  }

  /** Counters of the webgpu device (readbacks, dispatches, buffers), or null when it was never selected. */
  webgpuStats(): WebGpuCounters | null {
    const device = this.devices.get('webgpu');
    return device instanceof WebGpuDevice ? device.stats() : null;
  }

  /**
   * Sets the threads of the `cpu` backend's WebAssembly products (see `BackendOptions.threads`) and
   * starts them, switching the cpu kernels to WebAssembly SIMD; `op` names the caller in errors.
   */
  async setCpuThreads(threads: number | 'auto', op = 'setCpuThreads'): Promise<void> {
    if (threads !== 'auto') checkThreadCount(threads, op);
    this.cpuThreadsChoice = threads;
    if (this.cpuProducts?.name !== 'wasm-simd') this.useCpuKernels(createHostKernels('wasm-simd', this.cpuHeap()));
    await this.startCpuThreads();
  }

  /** Threads the cpu backend's current products run on (1 for the JavaScript kernels). */
  getCpuThreads(): number {
    return this.cpuProducts?.threads ?? 1;
  }

  /**
   * Replaces the WebAssembly kernels by ones on the chosen thread count when they run on another.
   * Under `'auto'`, workers that fail to start (a page whose Content-Security-Policy forbids Blob
   * workers) leave the kernels on the calling thread; a count asked for throws instead.
   */
  private async startCpuThreads(): Promise<void> {
    const choice = this.cpuThreadsChoice;
    const auto = choice === 'auto';
    const wanted = choice === 'auto' ? defaultThreadCount() : choice;
    if (wanted === this.cpuProducts?.threads) return;
    let kernels: HostKernels;
    try {
      kernels = await startWasmSimdKernels(wanted, this.cpuHeap());
    } catch (e) {
      if (!auto || wanted === 1) throw e;
      if (this.cpuProducts?.name === 'wasm-simd' && this.cpuProducts.threads === 1) return;
      kernels = await startWasmSimdKernels(1, this.cpuHeap());
    }
    this.useCpuKernels(kernels);
  }

  /** The `cpu` backend's product kernels (null until the cpu backend first needs them). */
  getCpuKernels(): CpuKernels | null {
    return this.cpuProducts?.name ?? null;
  }

  /** Makes `kernels` the `cpu` backend's products (this engine owns and disposes them); the current backend does not change. */
  useCpuKernels(kernels: HostKernels): void {
    if (kernels === this.cpuProducts) return;
    this.cpuProducts?.dispose();
    this.cpuProducts = kernels;
    this.cpuProductsChoice = kernels.name;
  }

  /** The `cpu` backend's products, made on first use with the chosen implementation. */
  private cpuHostKernels(): HostKernels {
    this.cpuProducts ??= createHostKernels(this.cpuProductsChoice, this.cpuHeap());
    return this.cpuProducts;
  }

  /**
   * @internal The WebAssembly heap of the `cpu` backend's tensors, made on first use; null where
   * none can be made (see `createCpuHeap`). Kernels made over it read those tensors in place.
   */
  cpuHeap(): WasmHeap | null {
    if (this.cpuHeapOrNull === undefined) this.cpuHeapOrNull = createCpuHeap();
    return this.cpuHeapOrNull;
  }

  /** A gpu.js device for `name`; the cpu backend's keeps its buffers in the heap where there is one. */
  private createDevice(name: BackendName): Device {
    const heap = name === 'cpu' ? this.cpuHeap() : null;
    return heap ? new Device(name, heap) : new Device(name);
  }

  /** The backend that runs kernels now, or null before `setBackend`. */
  getBackend(): BackendName | null {
    return this.device?.backend ?? null;
  }

  /** @internal The current device; selects `'cpu'` synchronously when no backend was chosen yet. */
  currentDevice(): KernelDevice {
    if (!this.device) {
      const cpu = this.devices.get('cpu') ?? this.createDevice('cpu');
      this.devices.set('cpu', cpu);
      this.device = cpu;
    }
    return this.device;
  }

  /** A fresh seed for random creation functions called without one. */
  nextRandomSeed(): number {
    return (Math.random() * 4294967296) >>> 0;
  }

  /** @internal Next tensor id. */
  nextTensorId(): number {
    return ++this.lastId;
  }

  /** @internal Wraps a device buffer in a new tensor owned by the current scope. */
  makeTensor(shape: Shape, dtype: DType, buffer: DeviceBuffer | null): Tensor {
    const t = new Tensor(Object.freeze([...shape]), dtype, buffer, this);
    this.liveTensors++;
    this.scopes[this.scopes.length - 1]?.add(t);
    return t;
  }

  /** @internal A new tensor viewing the same buffer under another shape (no copy). */
  view(x: Tensor, shape: Shape, dtype: DType = x.dtype): Tensor {
    if (x.buffer) x.buffer.refs++;
    return this.makeTensor(shape, dtype, x.buffer);
  }

  /** @internal Called by `Tensor.dispose`. */
  release(t: Tensor): void {
    this.liveTensors--;
    this.kept.delete(t.id);
    for (const s of this.scopes) s.delete(t);
    const b = t.buffer;
    if (b && --b.refs === 0) this.deviceOf(b).free(b);
  }

  /** @internal Reads a buffer back through the device that owns it. */
  read(buffer: DeviceBuffer): Promise<Float32Array> {
    return this.deviceOf(buffer).read(buffer);
  }

  /**
   * @internal Reads a buffer without waiting where its device can (see `Device.readNow`); otherwise
   * `values` is null. `backend` names the device that holds the buffer.
   */
  readNow(buffer: DeviceBuffer): { values: ArrayLike<number> | null; backend: BackendName } {
    const device = this.deviceOf(buffer);
    return { values: device.readNow(buffer), backend: device.backend };
  }

  /**
   * Runs `fn`, then disposes every tensor it created except those it returns (a tensor, or
   * tensors inside a returned array or plain object) and those passed to `keep`.
   */
  tidy<T>(fn: () => T): T {
    if (typeof fn !== 'function') throw new Error('tidy: expected a function');
    const scope = new Set<Tensor>();
    this.scopes.push(scope);
    let result: T;
    try {
      result = fn();
    } catch (e) {
      this.scopes.pop();
      this.disposeScope(scope, new Set());
      throw e;
    }
    if (result instanceof Promise) {
      this.scopes.pop();
      this.disposeScope(scope, new Set());
      throw new Error('tidy: fn must be synchronous (it returned a Promise); read values after tidy returns');
    }
    this.scopes.pop();
    const survivors = new Set<Tensor>();
    collectTensors(result, survivors);
    this.disposeScope(scope, survivors);
    const parent = this.scopes[this.scopes.length - 1];
    if (parent) for (const t of survivors) if (!t.isDisposed) parent.add(t);
    return result;
  }

  /** Exempts a tensor from disposal by the enclosing `tidy` scopes. */
  keep<T extends Tensor>(t: T): T {
    this.kept.add(t.id);
    for (const s of this.scopes) s.delete(t);
    return t;
  }

  /** Live tensors, device bytes and buffers, and compiled kernels. */
  memory(): MemoryInfo {
    let numBytes = 0;
    let numBuffers = 0;
    for (const d of this.devices.values()) {
      numBytes += d.liveBytes;
      numBuffers += d.liveBuffers;
    }
    const heap = this.cpuHeapOrNull;
    return {
      numTensors: this.liveTensors,
      numBytes,
      numBuffers,
      numKernels: this.device?.compiledKernels ?? 0,
      numHeapBytes: heap?.bytesInUse ?? 0,
      numHeapTensorBytes: heap?.arrayBytes ?? 0,
    };
  }

  /** True while gradients are being recorded (inside `valueAndGrad` and outside `noGrad`). */
  get recording(): boolean {
    return this.tapes.length > 0 && this.noGradDepth === 0;
  }

  /**
   * True when an active gradient recording depends on `x`: `x` is an argument of an enclosing
   * `valueAndGrad`, or was computed from one, and gradients are not switched off by `noGrad`.
   */
  isRecorded(x: Tensor): boolean {
    return this.recording && this.tapes.some((tape) => tape.watched.has(x.id));
  }

  /** @internal Starts recording onto `tape` (innermost). */
  pushTape(tape: Tape): void {
    this.tapes.push(tape);
  }

  /** @internal Stops recording onto `tape`; a no-op when it already stopped. */
  removeTape(tape: Tape): void {
    const at = this.tapes.indexOf(tape);
    if (at >= 0) this.tapes.splice(at, 1);
  }

  /** @internal Records an op on every active tape where one of its inputs is watched. */
  record(output: Tensor, inputs: readonly Tensor[], backward: TapeEntry['backward']): void {
    if (!this.recording) return;
    for (const tape of this.tapes) {
      if (inputs.some((x) => tape.watched.has(x.id))) {
        tape.watched.add(output.id);
        tape.entries.push({ inputs, output, backward });
        tape.held.add(output);
        for (const x of inputs) tape.held.add(x);
      }
    }
  }

  /** Runs `fn` without recording gradients. */
  noGrad<T>(fn: () => T): T {
    this.noGradDepth++;
    try {
      return fn();
    } finally {
      this.noGradDepth--;
    }
  }

  /** Frees every device of this engine (kernels and gpu.js instances) and the cpu backend's WebAssembly memory. */
  destroy(): void {
    this.cpuProducts?.dispose();
    this.cpuProducts = null;
    for (const d of this.devices.values()) d.destroy();
    this.devices.clear();
    this.device = null;
    this.cpuHeapOrNull?.release();
    this.cpuHeapOrNull = undefined;
  }

  private deviceOf(buffer: DeviceBuffer): KernelDevice {
    // A buffer belongs to the device that was current when it was made; tensors from an earlier
    // backend stay readable after setBackend because their device is kept.
    for (const d of this.devices.values()) if (d.owns(buffer)) return d;
    throw new Error('tensor-gpu: buffer belongs to no device of this engine');
  }

  private disposeScope(scope: Set<Tensor>, survivors: Set<Tensor>): void {
    const parent = this.scopes[this.scopes.length - 1];
    for (const t of [...scope]) {
      if (survivors.has(t) || this.kept.has(t.id)) continue;
      // A recorded backward rule may still read t: hand it to the enclosing scope, which
      // belongs to (or encloses) the gradient computation that owns the tape.
      if (this.tapes.some((tape) => tape.held.has(t))) parent?.add(t);
      else t.dispose();
    }
  }
}

function collectTensors(value: unknown, into: Set<Tensor>, depth = 0): void {
  if (depth > 4 || value === null || typeof value !== 'object') return;
  if (value instanceof Tensor) {
    into.add(value);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collectTensors(v, into, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collectTensors(v, into, depth + 1);
}
