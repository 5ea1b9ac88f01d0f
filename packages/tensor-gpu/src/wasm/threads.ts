import { MAX_GEMM_WORKERS, nodeBuiltin, NodeGemmWorkers } from './gemm-workers-node';
import { SimdInstance } from './simd-instance';
import { WasmSimdKernels } from './simd-kernels';
import type { WasmHeap } from './wasm-heap';

/** The most threads the `cpu` backend's products can use: the caller plus the workers the control block holds. */
export const MAX_THREADS = MAX_GEMM_WORKERS + 1;

/**
 * The default thread count of the `cpu` backend's WebAssembly products: the available cores in
 * Node (`os.availableParallelism()`, at most {@link MAX_THREADS}), 1 elsewhere (browsers: no
 * worker pool yet).
 */
export function defaultThreadCount(): number {
  const os = nodeBuiltin<typeof import('node:os')>('node:os');
  const cores = os?.availableParallelism?.() ?? 1;
  return Math.max(1, Math.min(MAX_THREADS, cores));
}

/** Throws unless `threads` is an integer from 1 to {@link MAX_THREADS}; `op` names the caller. */
export function checkThreadCount(threads: unknown, op: string): asserts threads is number {
  if (!Number.isInteger(threads) || (threads as number) < 1 || (threads as number) > MAX_THREADS) {
    throw new Error(`${op}: threads must be an integer from 1 to ${MAX_THREADS}, got ${String(threads)}`);
  }
}

/**
 * WebAssembly SIMD kernels on `threads` threads: the calling thread plus `threads − 1` Node worker
 * threads over one shared memory. `heap`: the (shared) heap to run on, the cpu backend's tensors'
 * one; null: a memory of their own (private for 1 thread).
 */
export async function startWasmSimdKernels(threads: number, heap: WasmHeap | null = null): Promise<WasmSimdKernels> {
  const instance = new SimdInstance(heap ? { heap } : { shared: threads > 1 });
  if (threads === 1) return new WasmSimdKernels(instance);
  try {
    instance.attach(await NodeGemmWorkers.start(instance.module, instance.heap.memory, threads - 1));
  } catch (e) {
    instance.release();
    throw e;
  }
  return new WasmSimdKernels(instance);
}
