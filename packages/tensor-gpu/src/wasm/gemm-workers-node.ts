import type { Worker } from 'node:worker_threads';
import type { GemmWorkers } from './gemm-workers';
import { CONTROL, finishJob, JOB_KERNELS, MAX_JOB_THREADS, runChunks } from './parallel-job';
import { CONTROL_BYTES } from './wasm-heap';

/** Worker threads the control block holds scratch for (the caller is thread 0), at most 15. */
export const MAX_GEMM_WORKERS = Math.min(15, MAX_JOB_THREADS - 1);

// Runs in each worker: instantiate the module over the shared memory, then take chunks of each job
// (runChunks, from its source). The source is evaluated as CommonJS or, under
// \`node --input-type=module\`, as an ES module, so it reaches worker_threads through
// process.getBuiltinModule rather than require or import.
const WORKER_SOURCE = `
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const { module, memory, thread, names, layout } = workerData;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const kernels = names.map((name) => exports[name]);
const control = new Int32Array(memory.buffer, 0, ${CONTROL_BYTES / 4});
const runChunks = (${runChunks.toString()});
parentPort.postMessage('ready');
let seen = 0;
for (;;) {
  Atomics.wait(control, layout.run, seen);
  seen = Atomics.load(control, layout.run);
  if (Atomics.load(control, layout.stop) !== 0) break;
  try {
    runChunks(kernels, control, thread, layout, seen);
  } catch {
    Atomics.store(control, layout.failed, 1);
  }
}
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

  private constructor(private readonly workers: Worker[], memory: WebAssembly.Memory) {
    this.control = new Int32Array(memory.buffer, 0, CONTROL_BYTES / 4);
  }

  /** Starts `count` workers running `module` over `memory` (shared) and waits until each is ready. */
  static async start(module: WebAssembly.Module, memory: WebAssembly.Memory, count: number): Promise<NodeGemmWorkers> {
    if (!Number.isInteger(count) || count < 1 || count > MAX_GEMM_WORKERS) throw new Error(`tensor-gpu: worker count must be an integer from 1 to ${MAX_GEMM_WORKERS}, got ${count}`);
    const Worker = nodeBuiltin<typeof import('node:worker_threads')>('node:worker_threads')?.Worker;
    if (!Worker) throw new Error('tensor-gpu: worker threads need Node with process.getBuiltinModule (Node ≥ 20.16)');
    const workers = Array.from({ length: count }, (_, i) => new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, thread: i + 1, names: [...JOB_KERNELS], layout: { ...CONTROL } } }));
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
    return new NodeGemmWorkers(workers, memory);
  }

  get count(): number {
    return this.workers.length;
  }

  run(own: () => void): void {
    const c = this.control;
    Atomics.add(c, CONTROL.run, 1);
    Atomics.notify(c, CONTROL.run);
    try {
      own();
    } finally {
      finishJob(c);
    }
    if (Atomics.exchange(c, CONTROL.failed, 0) !== 0) throw new Error('tensor-gpu: a worker thread failed in a WebAssembly kernel');
  }

  terminate(): void {
    Atomics.store(this.control, CONTROL.stop, 1);
    Atomics.add(this.control, CONTROL.run, 1);
    Atomics.notify(this.control, CONTROL.run);
    for (const w of this.workers) void w.terminate();
  }
}
