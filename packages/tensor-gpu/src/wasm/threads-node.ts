import { defaultEngine } from '../default-engine';
import type { Engine } from '../engine';
import { MAX_GEMM_WORKERS, NodeGemmWorkers } from './gemm-workers-node';
import { SimdInstance } from './simd-instance';
import { WasmSimdKernels } from './simd-kernels';

/**
 * Sets how many threads run the `cpu` backend's large WebAssembly products (and the products inside
 * its convolutions): the calling thread plus `threads − 1` Node worker threads over one shared
 * WebAssembly memory. Results are identical for every thread count. 1 (the default) uses no
 * workers. Replaces the engine's cpu kernels with WebAssembly SIMD ones; the current backend
 * does not change.
 */
export async function setNumThreads(threads: number, engine: Engine = defaultEngine): Promise<void> {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_GEMM_WORKERS + 1) {
    throw new Error(`setNumThreads: threads must be an integer from 1 to ${MAX_GEMM_WORKERS + 1}, got ${threads}`);
  }
  let kernels: WasmSimdKernels;
  if (threads === 1) {
    kernels = new WasmSimdKernels();
  } else {
    const instance = new SimdInstance({ shared: true });
    try {
      instance.attach(await NodeGemmWorkers.start(instance.module, instance.heap.memory, threads - 1));
    } catch (e) {
      instance.release();
      throw e;
    }
    kernels = new WasmSimdKernels(instance);
  }
  engine.useCpuKernels(kernels);
}
