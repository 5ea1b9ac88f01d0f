import type { Worker } from 'node:worker_threads';
import { checkWorkerCount, type GemmWorkers } from './gemm-workers';
import { CONTROL, JOB_KERNELS, jobLoopSource, runOnWorkers, startGeneration, stopWorkers } from './parallel-job';
import { CONTROL_BYTES } from './wasm-heap';

// Runs in each worker: instantiate the module over the shared memory, then take chunks of each job
// (serveJobs, from its source). The source is evaluated as CommonJS or, under
// \`node --input-type=module\`, as an ES module, so it reaches worker_threads through
// process.getBuiltinModule rather than require or import.
// A function, not a constant: no work at import (bundlers can drop what a page does not use).
const workerSource = (): string => `
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const { module, memory, thread, names, layout, generation } = workerData;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const kernels = names.map((name) => exports[name]);
const control = new Int32Array(memory.buffer, 0, ${CONTROL_BYTES / 4});
${jobLoopSource()}
parentPort.postMessage('ready');
serveJobs(kernels, control, thread, layout, runChunks, generation);
`;

/**
 * A Node built-in module through `process.getBuiltinModule` (Node ≥ 20.16), or undefined outside
 * Node: no import statement, so the browser bundle that contains this file pulls in nothing.
 */
export function nodeBuiltin<T>(id: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return typeof proc?.getBuiltinModule === 'function' ? (proc.getBuiltinModule(id) as T | undefined) : undefined;
}

/**
 * Node worker threads (`worker_threads`) that run products on one shared WebAssembly memory. The
 * calling thread blocks on `Atomics.wait` until they are done, so ops stay synchronous. Workers
 * are unreferenced: they never keep the process alive.
 */
export class NodeGemmWorkers implements GemmWorkers {
  private readonly control: Int32Array;

  private constructor(private readonly workers: Worker[], memory: WebAssembly.Memory, private readonly generation: number) {
    this.control = new Int32Array(memory.buffer, 0, CONTROL_BYTES / 4);
  }

  /** Starts `count` workers running `module` over `memory` (shared) and waits until each is ready. */
  static async start(module: WebAssembly.Module, memory: WebAssembly.Memory, count: number): Promise<NodeGemmWorkers> {
    checkWorkerCount(count);
    const Worker = nodeBuiltin<typeof import('node:worker_threads')>('node:worker_threads')?.Worker;
    if (!Worker) throw new Error('tensor-gpu: worker threads need Node with process.getBuiltinModule (Node ≥ 20.16)');
    const generation = startGeneration(new Int32Array(memory.buffer, 0, CONTROL_BYTES / 4));
    const workerData = (thread: number) => ({ module, memory, thread, names: [...JOB_KERNELS], layout: { ...CONTROL }, generation });
    const source = workerSource();
    const workers = Array.from({ length: count }, (_, i) => new Worker(source, { eval: true, workerData: workerData(i + 1) }));
    try {
      await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
        w.once('message', () => resolve());
        w.once('error', reject);
        w.once('exit', (code) => reject(new Error(`tensor-gpu: a worker thread exited while starting (code ${code})`)));
      })));
    } catch (e) {
      for (const w of workers) void w.terminate();
      throw e;
    }
    for (const w of workers) w.unref();
    return new NodeGemmWorkers(workers, memory, generation);
  }

  get count(): number {
    return this.workers.length;
  }

  run(own: () => void): void {
    runOnWorkers(this.control, own, true);
  }

  terminate(): void {
    stopWorkers(this.control, this.generation);
    for (const w of this.workers) void w.terminate();
  }
}
