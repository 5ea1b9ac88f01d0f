import type { GemmWorkers } from './gemm-workers';
import { compileKernelModule, type KernelExports } from './kernels-module';
import { jobKernels, runChunks, writeJob, CONTROL, type ParallelJob, type ThreadScratch } from './parallel-job';
import { CONTROL_BYTES, WasmHeap } from './wasm-heap';

/**
 * Products and convolutions with fewer multiply-adds than this (about 0.1 ms of work) run on the
 * calling thread alone: waking a worker costs tens of microseconds.
 */
const PARALLEL_MIN_WORK = 1 << 22;
/** Rows and columns of the register tile: blocks split between threads are multiples of them. */
const TILE_ROWS = 4;
const TILE_COLUMNS = 8;
/** Chunks per thread a split product aims at: enough for a thread slowed by other load to take fewer. */
const CHUNKS_PER_THREAD = 4;

/**
 * One instance of the kernel module over its own memory, with the calls the host code makes:
 * lay out a call's regions (the product's packing scratch first), copy arrays in and out, run
 * products, convolutions and their unfolding steps on byte offsets. With worker threads attached
 * (shared memory only), large products are split into chunks of rows or columns and
 * convolutions into images, which the threads take in turn; every output is still computed by one
 * thread in the same order, so the results do not depend on the number of threads.
 */
export class SimdInstance {
  readonly heap: WasmHeap;
  readonly exports: KernelExports;
  /** The compiled module, for worker threads that instantiate it over the same shared memory. */
  readonly module: WebAssembly.Module;
  private scratch: ThreadScratch[] = [];
  /** The packed slice of B, shared by the threads of a product. */
  private packB = 0;
  private workers: GemmWorkers | null = null;
  private readonly kernels: ((...args: number[]) => void)[];
  /** Products and convolutions split between threads so far. */
  parallelProducts = 0;
  /** Multiply-adds from which a product or convolution is split between threads. */
  parallelMinWork = PARALLEL_MIN_WORK;

  /** `shared`: a shared memory and the module variant for it, so worker threads can be attached. */
  constructor(options: { shared?: boolean } = {}) {
    const shared = options.shared ?? false;
    this.heap = new WasmHeap(shared);
    this.module = compileKernelModule(shared);
    const instance = new WebAssembly.Instance(this.module, { env: { memory: this.heap.memory } });
    this.exports = instance.exports as unknown as KernelExports;
    this.kernels = jobKernels(this.exports);
  }

  /** Threads that run products: 1 plus the attached workers. */
  get threads(): number {
    return 1 + (this.workers?.count ?? 0);
  }

  /** Splits large products over `workers`, which run this module on this instance's shared memory. */
  attach(workers: GemmWorkers): void {
    if (!(this.heap.memory.buffer instanceof SharedArrayBuffer)) throw new Error('tensor-gpu: worker threads need the kernels over a shared memory');
    this.workers = workers;
  }

  /**
   * Grows the memory for one call: the product scratch for outputs up to `maxColumns` wide, then
   * regions of `floats[i]` float32 values; returns their byte offsets.
   */
  layout(maxColumns: number, floats: readonly number[]): number[] {
    const kc = this.exports.KC.value as number;
    const mc = this.exports.MC.value as number;
    const nc = this.exports.NC.value as number;
    const panelColumns = Math.min(nc, Math.ceil(maxColumns / 8) * 8);
    const scratch = [kc * panelColumns * 4, ...Array.from({ length: this.threads }, () => [mc * kc * 4, 32 * 4]).flat()];
    const offsets = this.heap.layout([...scratch, ...floats.map((f) => f * 4)]);
    this.packB = offsets[0];
    this.scratch = Array.from({ length: this.threads }, (_, t) => ({ packA: offsets[1 + 2 * t], edge: offsets[2 + 2 * t] }));
    return offsets.slice(scratch.length);
  }

  /** Copies `values` into the memory at byte offset `at`. */
  write(values: Float32Array, at: number): void {
    this.heap.floats().set(values, at / 4);
  }

  /** Copies `into.length` values from byte offset `at` into `into`. */
  read(at: number, into: Float32Array): void {
    into.set(this.heap.floats().subarray(at / 4, at / 4 + into.length));
  }

  /** Zeroes `count` float32 values from byte offset `at`. */
  zero(at: number, count: number): void {
    this.heap.floats().fill(0, at / 4, at / 4 + count);
  }

  /** Copies `count` float32 values from byte offset `from` to `to` inside the memory. */
  move(from: number, to: number, count: number): void {
    this.heap.floats().copyWithin(to / 4, from / 4, from / 4 + count);
  }

  /** `C (+)= op(A)·op(B)` on offsets laid out by the last `layout` call (its `maxColumns` ≥ p). */
  gemm(a: number, b: number, c: number, m: number, n: number, p: number, transA: boolean, transB: boolean, accumulate = false): void {
    const lda = transA ? m : n;
    const ldb = transB ? n : p;
    const [ta, tb] = [transA ? 1 : 0, transB ? 1 : 0];
    if (!this.splits(m * n * p) || Math.max(m / TILE_ROWS, p / TILE_COLUMNS) < 2) {
      const s = this.scratch[0];
      this.exports.gemm(a, lda, b, ldb, c, p, m, n, p, ta, tb, accumulate ? 1 : 0, s.packA, this.packB, s.edge);
      return;
    }
    // The slices of gemm() in assembly/gemm.ts, each packed once into the shared panels, then
    // multiplied by all threads in chunks of C's rows (or, for a wide C, columns).
    this.parallelProducts++;
    const nc = this.exports.NC.value as number;
    const depth = this.exports.sliceDepth(n);
    const pb = this.packB;
    const scratch = { packA: 10, edge: 11 };
    for (let jc = 0; jc < p; jc += nc) {
      const ncb = Math.min(nc, p - jc);
      for (let pc = 0; pc < n; pc += depth) {
        const kcb = Math.min(depth, n - pc);
        // Packing is a few percent of the work: on the caller alone, it saves a wait for the workers.
        this.exports.packSliceB(b, ldb, pc, kcb, jc, ncb, tb, pb);
        const args = [a + 4 * (transA ? pc * lda : pc), lda, pb, c + 4 * jc, p, m, ncb, kcb, ta, accumulate || pc > 0 ? 1 : 0, 0, 0];
        if (m >= ncb) {
          const rows = this.chunkSize(m, TILE_ROWS);
          const steps = [4 * (transA ? rows : rows * lda), 0, 0, 4 * rows * p, 0, 0, 0, 0, 0, 0, 0, 0];
          this.run({ kernel: 'gemmSlice', args, steps, chunks: Math.ceil(m / rows), count: { arg: 5, chunk: rows, total: m }, scratch });
        } else {
          const columns = this.chunkSize(ncb, TILE_COLUMNS);
          const steps = [0, 0, 4 * columns * kcb, 4 * columns, 0, 0, 0, 0, 0, 0, 0, 0];
          this.run({ kernel: 'gemmSlice', args, steps, chunks: Math.ceil(ncb / columns), count: { arg: 6, chunk: columns, total: ncb }, scratch });
        }
      }
    }
  }

  /** True when work of `multiplyAdds` is split between threads. */
  splits(multiplyAdds: number): boolean {
    return this.workers !== null && multiplyAdds >= this.parallelMinWork;
  }

  /** A chunk of `total` rows or columns (a multiple of `step`) giving each thread about CHUNKS_PER_THREAD chunks. */
  chunkSize(total: number, step: number): number {
    return Math.max(step, Math.ceil(total / (CHUNKS_PER_THREAD * this.threads) / step) * step);
  }

  /**
   * Runs every chunk of `job`: on all threads when workers are attached and `parallel`, else on
   * the caller. Scratch regions are those of the last `layout` call.
   */
  run(job: ParallelJob, parallel = true): void {
    const control = new Int32Array(this.heap.memory.buffer, 0, CONTROL_BYTES / 4);
    const run = writeJob(control, job, this.scratch);
    const own = () => runChunks(this.kernels, control, 0, CONTROL, run);
    if (this.workers && parallel && job.chunks > 1) this.workers.run(own);
    else own();
  }

  /** Stops the worker threads and drops the memory; every later call throws. */
  release(): void {
    this.workers?.terminate();
    this.workers = null;
    this.heap.release();
  }
}
