import { defaultEngine } from '../default-engine';
import type { Engine } from '../engine';

/**
 * Sets how many threads run the `cpu` backend's large WebAssembly products (and the products inside
 * its convolutions): the calling thread plus `threads − 1` worker threads over one shared
 * WebAssembly memory — Node `worker_threads`, or Web Workers in a browser. Results are identical
 * for every thread count. The default, also chosen by `'auto'`, is the available cores
 * (`os.availableParallelism()` in Node, `navigator.hardwareConcurrency` in a browser) where
 * threads can run; `setBackend('cpu', { threads })` sets the same. Replaces the engine's cpu
 * kernels with WebAssembly SIMD ones; the current backend does not change.
 *
 * A browser shares memory with workers only in a cross-origin isolated page (served with
 * `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`):
 * elsewhere `'auto'` is 1 thread and asking for more throws an error that says so.
 */
export async function setNumThreads(threads: number | 'auto', engine: Engine = defaultEngine): Promise<void> {
  await engine.setCpuThreads(threads, 'setNumThreads');
}
