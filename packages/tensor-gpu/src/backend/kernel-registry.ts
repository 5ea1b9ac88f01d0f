import { BACKEND_NAMES, type BackendName } from './names';
import type { HostKernel } from './kernel-spec';
import type { WgslKernel } from '../webgpu/wgsl-kernel';

/** Backends whose tensors are host arrays, so a {@link HostKernel} can run there. */
export const HOST_RESIDENT_BACKENDS: readonly BackendName[] = ['cpu', 'webasm'];

/** Options of {@link KernelRegistry.register}. */
export interface RegisterKernelOptions {
  /** Replace an implementation registered before for the same primitive and backend (default false). */
  replace?: boolean;
}

/**
 * Which implementation runs a primitive on which backend. A primitive without an entry for the
 * current backend runs its portable gpu.js source; an entry replaces it there. Today an entry is a
 * {@link HostKernel} (a JavaScript or WebAssembly loop over host arrays) and only host-resident
 * backends (`cpu`, `webasm`) accept one.
 */
export class KernelRegistry {
  private readonly table = new Map<string, Map<BackendName, HostKernel>>();
  private readonly wgsl = new Map<string, WgslKernel>();

  /**
   * Registers `run` as the implementation of primitive `name` on `backend`. Registering the same
   * function again is a no-op; a different one needs `{ replace: true }`.
   *
   * @throws Error when the name is empty, the backend unknown or not host-resident, `run` not a
   * function, or another implementation is already registered without `replace`.
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
    let slots = this.table.get(name);
    if (!slots) {
      slots = new Map();
      this.table.set(name, slots);
    }
    const existing = slots.get(backend);
    if (existing && existing !== run && !options.replace) {
      throw new Error(`registerKernel: '${name}' already has an implementation on '${backend}'; pass { replace: true } to replace it`);
    }
    slots.set(backend, run as HostKernel);
  }

  /** The implementation of `name` on `backend`, or undefined where the gpu.js source runs. */
  implementation(name: string, backend: BackendName): HostKernel | undefined {
    return this.table.get(name)?.get(backend);
  }

  /** Removes the implementation of `name` on `backend` (the gpu.js source runs there again). */
  unregister(name: string, backend: BackendName): void {
    this.table.get(name)?.delete(backend);
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

  /** Every registered (primitive, backend) pair, sorted by name. */
  entries(): { name: string; backend: BackendName }[] {
    const list: { name: string; backend: BackendName }[] = [];
    for (const [name, slots] of this.table) for (const backend of slots.keys()) list.push({ name, backend });
    for (const name of this.wgsl.keys()) list.push({ name, backend: 'webgpu' });
    return list.sort((a, b) => a.name.localeCompare(b.name) || a.backend.localeCompare(b.backend));
  }
}
