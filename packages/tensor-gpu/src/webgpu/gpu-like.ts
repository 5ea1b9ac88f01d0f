/**
 * The WebGPU entry object (`navigator.gpu` in browsers; in Node the object that the `webgpu`
 * package's `create()` returns, see `nodeWebGpu` in `@nnlab/tensor-gpu/node`). Typed by shape
 * so that tensor-gpu's declarations need no WebGPU type package.
 */
export interface GpuLike {
  /** Resolves an adapter, or null where none is available. */
  requestAdapter(options?: object): Promise<unknown>;
}

/** `navigator.gpu` where the host provides one (browsers; Node only when something set it). */
export function navigatorGpu(): GpuLike | null {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  return nav?.gpu ?? null;
}

/** True when `value` looks like a WebGPU entry object. */
export function isGpuLike(value: unknown): value is GpuLike {
  return typeof value === 'object' && value !== null && typeof (value as GpuLike).requestAdapter === 'function';
}
