import type { Worker } from 'node:worker_threads';
import type { GemmCall, GemmWorkers } from './gemm-workers';
import { CONTROL_BYTES } from './wasm-heap';

// Control block at the start of the shared memory (int32 indices): a run counter the workers wait
// on, the count of workers done with the current run, a stop flag, an error flag, then per
// worker 16 slots: the 15 gemm arguments and a has-work flag.
const RUN = 0;
const DONE = 1;
const STOP = 2;
const FAILED = 3;
const SLOTS = 16;
const slotOf = (worker: number) => 16 + SLOTS * worker;
/** Workers that fit the control block. */
export const MAX_GEMM_WORKERS = (CONTROL_BYTES / 4 - 16) / SLOTS;

// Runs in each worker: instantiate the module over the shared memory, then wait for runs. The
// source is evaluated as CommonJS or, under \`node --input-type=module\`, as an ES module, so it
// reaches worker_threads through process.getBuiltinModule rather than require or import.
const WORKER_SOURCE = `
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const { module, memory, slot } = workerData;
const gemm = new WebAssembly.Instance(module, { env: { memory } }).exports.gemm;
const control = new Int32Array(memory.buffer, 0, ${CONTROL_BYTES / 4});
parentPort.postMessage('ready');
let seen = 0;
for (;;) {
  Atomics.wait(control, ${RUN}, seen);
  seen = Atomics.load(control, ${RUN});
  if (Atomics.load(control, ${STOP}) !== 0) break;
  if (control[slot + 15] === 1) {
    try {
      gemm(...control.subarray(slot, slot + 15));
    } catch {
      Atomics.store(control, ${FAILED}, 1);
    }
  }
  Atomics.add(control, ${DONE}, 1);
  Atomics.notify(control, ${DONE});
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
    const workers = Array.from({ length: count }, (_, i) => new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, slot: slotOf(i) } }));
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

  run(calls: readonly (GemmCall | null)[], own: () => void): void {
    const c = this.control;
    for (let i = 0; i < this.workers.length; i++) {
      const slot = slotOf(i);
      const call = calls[i];
      if (call) c.set(call, slot);
      c[slot + 15] = call ? 1 : 0;
    }
    Atomics.store(c, DONE, 0);
    Atomics.add(c, RUN, 1);
    Atomics.notify(c, RUN);
    try {
      own();
    } finally {
      for (let done = Atomics.load(c, DONE); done < this.workers.length; done = Atomics.load(c, DONE)) Atomics.wait(c, DONE, done);
    }
    if (Atomics.exchange(c, FAILED, 0) !== 0) throw new Error('tensor-gpu: a worker thread failed in a WebAssembly product');
  }

  terminate(): void {
    Atomics.store(this.control, STOP, 1);
    Atomics.add(this.control, RUN, 1);
    Atomics.notify(this.control, RUN);
    for (const w of this.workers) void w.terminate();
  }
}
