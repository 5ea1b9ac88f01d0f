/**
 * One block of device memory holding float32 values: a Float32Array (cpu, webasm), a gpu.js
 * texture (GL backends) or a WebGPU buffer handle that may still be pending. Tensors that share
 * storage (reshape) share one buffer and count references; the last release frees it.
 */
export class DeviceBuffer {
  /** Reference count: tensors viewing this buffer. */
  refs = 1;
  /** Promises of kernels that read this buffer and have not been submitted yet (webgpu). */
  readonly uses: Promise<unknown>[] = [];
  /** The device that made this buffer (set when the device tracks it). */
  device: object | null = null;

  constructor(
    /** The backend's handle, or a promise of it while an asynchronous kernel is pending. */
    readonly handle: unknown,
    /** Number of float32 values. */
    readonly length: number,
  ) {}

  /** True while the handle is a promise (webgpu kernels resolve their output asynchronously). */
  get pending(): boolean {
    return this.handle instanceof Promise;
  }

  /** Bytes of device memory this buffer holds. */
  get bytes(): number {
    return this.length * 4;
  }
}
