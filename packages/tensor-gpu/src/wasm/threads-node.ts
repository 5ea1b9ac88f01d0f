import { defaultEngine } from '../default-engine';
import type { Engine } from '../engine';

/**
 * Sets how many threads run the `cpu` backend's large WebAssembly products (and the products inside
 * its convolutions): the calling thread plus `threads − 1` Node worker threads over one shared
 * WebAssembly memory. Results are identical for every thread count. The default, also chosen by
 * `'auto'`, is the available cores (`os.availableParallelism()`); `setBackend('cpu', { threads })`
 * sets the same. Replaces the engine's cpu kernels with WebAssembly SIMD ones; the current backend
 * does not change.
 */
export async function setNumThreads(threads: number | 'auto', engine: Engine = defaultEngine): Promise<void> {
  await engine.setCpuThreads(threads, 'setNumThreads');
}
