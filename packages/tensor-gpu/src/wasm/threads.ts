import { MAX_GEMM_WORKERS, type GemmWorkers } from './gemm-workers';
import { BrowserGemmWorkers, webWorkersUnavailable } from './gemm-workers-browser';
import { nodeBuiltin, NodeGemmWorkers } from './gemm-workers-node';
import { SimdInstance } from './simd-instance';
import { WasmSimdKernels } from './simd-kernels';
import type { WasmHeap } from './wasm-heap';

/** The most threads the `cpu` backend's products can use: the caller plus the workers the control block holds. */
export const MAX_THREADS = MAX_GEMM_WORKERS + 1;

/** True in Node (worker_threads); elsewhere threads are Web Workers. */
function hasNodeWorkers(): boolean {
  return nodeBuiltin<typeof import('node:worker_threads')>('node:worker_threads') !== undefined;
}

/**
 * Why this environment cannot run the WebAssembly kernels on more than one thread, or null when
 * it can: Node always can; a browser only in a cross-origin isolated page (or worker).
 */
export function workerThreadsUnavailable(): string | null {
  return hasNodeWorkers() ? null : webWorkersUnavailable();
}

/**
 * The default thread count of the `cpu` backend's WebAssembly products, at most
 * {@link MAX_THREADS}: the available cores in Node (`os.availableParallelism()`) and in a cross-origin
 * isolated browser page (`navigator.hardwareConcurrency`); 1 in a page that is not isolated (its
 * memory cannot be shared with workers).
 */
export function defaultThreadCount(): number {
  const os = nodeBuiltin<typeof import('node:os')>('node:os');
  let cores = os?.availableParallelism?.() ?? 1;
  if (!os && workerThreadsUnavailable() === null) cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(MAX_THREADS, cores));
}

/**
 * Throws unless `threads` is an integer from 1 to {@link MAX_THREADS} that this environment can run
 * (more than 1 needs worker threads: see {@link workerThreadsUnavailable}); `op` names the caller.
 */
export function checkThreadCount(threads: unknown, op: string): asserts threads is number {
  if (!Number.isInteger(threads) || (threads as number) < 1 || (threads as number) > MAX_THREADS) {
    throw new Error(`${op}: threads must be an integer from 1 to ${MAX_THREADS}, got ${String(threads)}`);
  }
  const why = (threads as number) > 1 ? workerThreadsUnavailable() : null;
  if (why) throw new Error(`${op}: threads must be 1 here, got ${threads as number}: ${why} (without it the cpu backend runs on 1 thread)`);
}

/** Starts `count` worker threads of the environment (Node worker_threads, else Web Workers) on `instance`'s shared memory. */
function startWorkers(instance: SimdInstance, count: number): Promise<GemmWorkers> {
  const { module, heap } = instance;
  return hasNodeWorkers() ? NodeGemmWorkers.start(module, heap.memory, count) : BrowserGemmWorkers.start(module, heap.memory, count);
}

/**
 * WebAssembly SIMD kernels on `threads` threads: the calling thread plus `threads − 1` worker
 * threads (Node worker_threads, or Web Workers in a cross-origin isolated browser) over one shared
 * memory. `heap`: the (shared) heap to run on, the cpu backend's tensors' one; null: a memory of
 * their own (private for 1 thread).
 */
export async function startWasmSimdKernels(threads: number, heap: WasmHeap | null = null): Promise<WasmSimdKernels> {
  checkThreadCount(threads, 'startWasmSimdKernels');
  const instance = new SimdInstance(heap ? { heap } : { shared: threads > 1 });
  if (threads === 1) return new WasmSimdKernels(instance);
  try {
    instance.attach(await startWorkers(instance, threads - 1));
  } catch (e) {
    instance.release();
    throw e;
  }
  return new WasmSimdKernels(instance);
}
