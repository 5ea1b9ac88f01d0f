import { BACKEND_NAMES, type BackendName } from './names';
import type { HostKernel, OutputPrecision } from './kernel-spec';
import type { WgslKernel } from '../webgpu/wgsl-kernel';

/** Backends whose tensors are host arrays, so a {@link HostKernel} can run there. */
export const HOST_RESIDENT_BACKENDS: readonly BackendName[] = ['cpu', 'webasm'];

/** Options of {@link KernelRegistry.register}. */
export interface RegisterKernelOptions {
  /** Replace an implementation registered before for the same primitive and backend (default false). */
  replace?: boolean;
  /**
   * The outputs the implementation is for (host implementations only; default `'float32'`). A
   * `'float16'` implementation runs for float16 results and fills `out` with values already
   * rounded to binary16, bit for bit what the primitive's gpu.js source with its float16 rounding
   * stores; without one, float16 results run that source.
   */
  precision?: OutputPrecision;
}

const PRECISIONS: readonly OutputPrecision[] = ['float32', 'float16'];

/**
 * Which implementation runs a primitive on which backend. A primitive without an entry for the
 * current backend runs its portable gpu.js source; an entry replaces it there. Today an entry is a
 * {@link HostKernel} (a JavaScript or WebAssembly loop over host arrays) and only host-resident
 * backends (`cpu`, `webasm`) accept one.
 */
export class KernelRegistry {
  /** Host implementations per output precision, then primitive, then backend. */
  private readonly tables: Record<OutputPrecision, Map<string, Map<BackendName, HostKernel>>> = { float32: new Map(), float16: new Map() };
  private readonly wgsl = new Map<string, WgslKernel>();

  /**
   * Registers `run` as the implementation of primitive `name` on `backend`. Registering the same
   * function again is a no-op; a different one needs `{ replace: true }`. `options.precision`:
   * the outputs it computes (float32 by default, see {@link RegisterKernelOptions}).
   *
   * @throws Error when the name is empty, the backend unknown or not host-resident, `run` not a
   * function, the precision unknown, or another implementation is already registered without `replace`.
   */
  register<P>(name: string, backend: BackendName, run: HostKernel<P>, options: RegisterKernelOptions = {}): void {
    if (typeof name !== 'string' || name === '') throw new Error(`registerKernel: name must be a non-empty string, got ${JSON.stringify(name)}`);
    if (!(BACKEND_NAMES as readonly string[]).includes(backend)) {
      throw new Error(`registerKernel: backend must be one of ${BACKEND_NAMES.join(', ')}, got ${JSON.stringify(backend)}`);
    }
    if (!HOST_RESIDENT_BACKENDS.includes(backend)) {
      throw new Error(`registerKernel: '${name}' on '${backend}': host implementations run only on ${HOST_RESIDENT_BACKENDS.join(' and ')}, where tensors live in host memory`);
    }
    if (typeof run !== 'function') throw new Error(`registerKernel: run must be a function (inputs, out, scalars, params), got ${typeof run}`);
    const precision = options.precision ?? 'float32';
    const table = this.table(precision, 'registerKernel');
    let slots = table.get(name);
    if (!slots) {
      slots = new Map();
      table.set(name, slots);
    }
    const existing = slots.get(backend);
    if (existing && existing !== run && !options.replace) {
      const what = precision === 'float16' ? 'a float16 implementation' : 'an implementation';
      throw new Error(`registerKernel: '${name}' already has ${what} on '${backend}'; pass { replace: true } to replace it`);
    }
    slots.set(backend, run as HostKernel);
  }

  /** The implementation of `name` on `backend` for outputs of `precision`, or undefined where the gpu.js source runs. */
  implementation(name: string, backend: BackendName, precision: OutputPrecision = 'float32'): HostKernel | undefined {
    return this.table(precision, 'implementation').get(name)?.get(backend);
  }

  /** Removes the implementation of `name` on `backend` for outputs of `precision` (the gpu.js source runs there again). */
  unregister(name: string, backend: BackendName, precision: OutputPrecision = 'float32'): void {
    this.table(precision, 'unregisterKernel').get(name)?.delete(backend);
  }

  /**
   * Registers `kernel` as the WebGPU implementation of primitive `name`: on the `webgpu` backend
   * it builds the WGSL program that runs instead of the spec's portable source (translated to WGSL).
   *
   * @throws Error when the name is empty, `kernel` not a function, or another WGSL kernel is
   * already registered for the name without `replace`.
   */
  registerWgsl<P>(name: string, kernel: WgslKernel<P>, options: RegisterKernelOptions = {}): void {
    if (typeof name !== 'string' || name === '') throw new Error(`registerWgslKernel: name must be a non-empty string, got ${JSON.stringify(name)}`);
    if (typeof kernel !== 'function') throw new Error(`registerWgslKernel: kernel must be a function (spec, scalars, precision) => WgslProgram | null, got ${typeof kernel}`);
    const existing = this.wgsl.get(name);
    if (existing && existing !== kernel && !options.replace) {
      throw new Error(`registerWgslKernel: '${name}' already has a WGSL kernel; pass { replace: true } to replace it`);
    }
    this.wgsl.set(name, kernel as WgslKernel);
  }

  /** The WGSL kernel of `name`, or undefined where the portable source runs on webgpu. */
  wgslImplementation(name: string): WgslKernel | undefined {
    return this.wgsl.get(name);
  }

  /** Removes the WGSL kernel of `name`. */
  unregisterWgsl(name: string): void {
    this.wgsl.delete(name);
  }

  /**
   * Every registered (primitive, backend) pair with float32 host or WGSL implementations, sorted
   * by name; with `precision` `'float16'`, the pairs with float16 host implementations instead.
   */
  entries(precision: OutputPrecision = 'float32'): { name: string; backend: BackendName }[] {
    const list: { name: string; backend: BackendName }[] = [];
    for (const [name, slots] of this.table(precision, 'entries')) for (const backend of slots.keys()) list.push({ name, backend });
    if (precision === 'float32') for (const name of this.wgsl.keys()) list.push({ name, backend: 'webgpu' });
    return list.sort((a, b) => a.name.localeCompare(b.name) || a.backend.localeCompare(b.backend));
  }

  private table(precision: OutputPrecision, caller: string): Map<string, Map<BackendName, HostKernel>> {
    if (!PRECISIONS.includes(precision)) throw new Error(`${caller}: precision must be 'float32' or 'float16', got ${JSON.stringify(precision)}`);
    return this.tables[precision];
  }
}
