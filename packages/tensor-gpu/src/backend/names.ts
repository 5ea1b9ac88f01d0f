/** A gpu.js backend that tensor-gpu can run kernels on. */
export type BackendName = 'cpu' | 'webasm' | 'headlessgl' | 'webgl' | 'webgl2' | 'webgpu';

/** What `setBackend` accepts: a backend name, or `'auto'` for the best one that works here. */
export type BackendRequest = BackendName | 'auto';

/** Every backend name, in the order `'auto'` tries them (best first). */
export const BACKEND_NAMES: readonly BackendName[] = ['webgpu', 'headlessgl', 'webgl2', 'webgl', 'webasm', 'cpu'];

/** The name under which gpu.js exports the kernel class that really runs each backend's kernels. */
export const KERNEL_CLASS_OF: Readonly<Record<BackendName, string>> = {
  cpu: 'CPUKernel',
  webasm: 'WebAssemblyKernel',
  headlessgl: 'HeadlessGLKernel',
  webgl: 'WebGLKernel',
  webgl2: 'WebGL2Kernel',
  webgpu: 'WebGPUKernel',
};

/** True when `name` is a backend name or `'auto'`. */
export function isBackendRequest(name: unknown): name is BackendRequest {
  return name === 'auto' || (typeof name === 'string' && (BACKEND_NAMES as readonly string[]).includes(name));
}
