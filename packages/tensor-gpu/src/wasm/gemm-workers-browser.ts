import { checkWorkerCount, type GemmWorkers } from './gemm-workers';
import { canBlockHere, CONTROL, JOB_KERNELS, jobLoopSource, runOnWorkers, startGeneration, stopWorkers } from './parallel-job';
import { CONTROL_BYTES } from './wasm-heap';

// Runs in each Web Worker (a classic worker from a Blob URL, so the package ships no file of its
// own): the first message brings the module and the shared memory; instantiate, take chunks of
// each job (serveJobs, from its source) until the pool stops, then say so and close.
// A function, not a constant: no work at import (bundlers can drop what a page does not use).
const workerSource = (): string => `
${jobLoopSource()}
self.onmessage = (event) => {
  self.onmessage = null;
  const { module, memory, thread, names, layout, generation } = event.data;
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const kernels = names.map((name) => exports[name]);
  const control = new Int32Array(memory.buffer, 0, ${CONTROL_BYTES / 4});
  self.postMessage('ready');
  serveJobs(kernels, control, thread, layout, runChunks, generation);
  self.postMessage('stopped');
  self.close();
};
`;

/**
 * Why Web Workers cannot share a WebAssembly memory here, or null when they can: a browser shares
 * memory (SharedArrayBuffer) with workers only in a cross-origin isolated page or worker.
 */
export function webWorkersUnavailable(): string | null {
  const scope = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown };
  if (typeof scope.Worker !== 'function' || typeof Blob !== 'function' || typeof URL.createObjectURL !== 'function') {
    return 'this JavaScript environment has neither Node worker threads (Node ≥ 20.16, through process.getBuiltinModule) nor Web Workers';
  }
  if (scope.crossOriginIsolated !== true) {
    return 'a browser shares WebAssembly memory with Web Workers only in a cross-origin isolated page: ' +
      'serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp';
  }
  return null;
}

/**
 * Web Workers that run products on one shared WebAssembly memory, the browser's counterpart of
 * NodeGemmWorkers. Ops stay synchronous: the caller takes chunks too and then waits for the
 * workers' chunks (spinning on a page's main thread, where `Atomics.wait` is not allowed).
 */
export class BrowserGemmWorkers implements GemmWorkers {
  private readonly control: Int32Array;
  private readonly canBlock = canBlockHere();
  /** Settles once every worker has left its loop after {@link terminate}. */
  readonly stopped: Promise<void>;

  private constructor(private readonly workers: Worker[], memory: WebAssembly.Memory, private readonly generation: number) {
    this.control = new Int32Array(memory.buffer, 0, CONTROL_BYTES / 4);
    this.stopped = Promise.all(workers.map((w) => new Promise<void>((resolve) => {
      w.onmessage = () => {
        w.terminate();
        resolve();
      };
      // A worker that failed outside a kernel can no longer say it stopped.
      w.onerror = () => {
        w.terminate();
        resolve();
      };
    }))).then(() => undefined);
  }

  /** Starts `count` Web Workers running `module` over `memory` (shared) and waits until each is ready. */
  static async start(module: WebAssembly.Module, memory: WebAssembly.Memory, count: number): Promise<BrowserGemmWorkers> {
    checkWorkerCount(count);
    const why = webWorkersUnavailable();
    if (why) throw new Error(`tensor-gpu: no worker threads: ${why}`);
    const generation = startGeneration(new Int32Array(memory.buffer, 0, CONTROL_BYTES / 4));
    const url = URL.createObjectURL(new Blob([workerSource()], { type: 'text/javascript' }));
    const workers: Worker[] = [];
    try {
      for (let i = 0; i < count; i++) {
        try {
          workers.push(new Worker(url, { name: `tensor-gpu kernels ${i + 1}` }));
        } catch (e) {
          // Typically a Content-Security-Policy without `worker-src blob:`.
          throw new Error(`tensor-gpu: a Web Worker could not be created from a Blob URL (${(e as Error).message}); a Content-Security-Policy must allow worker-src blob:`);
        }
      }
      await Promise.all(workers.map((w, i) => new Promise<void>((resolve, reject) => {
        w.onmessage = () => resolve();
        w.onerror = (event) => {
          event.preventDefault();
          reject(new Error(`tensor-gpu: a Web Worker failed while starting: ${event.message || 'no message'}`));
        };
        w.postMessage({ module, memory, thread: i + 1, names: [...JOB_KERNELS], layout: { ...CONTROL }, generation });
      })));
    } catch (e) {
      stopWorkers(new Int32Array(memory.buffer, 0, CONTROL_BYTES / 4), generation);
      for (const w of workers) w.terminate();
      throw e;
    } finally {
      URL.revokeObjectURL(url);
    }
    return new BrowserGemmWorkers(workers, memory, generation);
  }

  get count(): number {
    return this.workers.length;
  }

  run(own: () => void): void {
    runOnWorkers(this.control, own, this.canBlock);
  }

  terminate(): void {
    stopWorkers(this.control, this.generation);
  }
}
