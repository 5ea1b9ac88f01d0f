import type { GemmWorkers } from './gemm-workers';
import { compileKernelModule, type KernelExports } from './kernels-module';
import { BLOCK_ALIGN } from './heap-blocks';
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

/** A call's operands placed in the memory: byte offsets of the inputs, the output and the extra scratch regions. */
export interface Placed {
  inputs: number[];
  out: number;
  extra: number[];
  /** Copies the output out of the memory unless it already lives there. */
  finish(): void;
}

/**
 * One instance of the kernel module over a heap (its own, or one shared with the tensors of the
 * cpu backend and other instances), with the calls the host code makes: lay out a call's scratch
 * regions (the product's packing scratch first) in one scratch block of the heap, place operands
 * (in place when they live in the heap, else copied in and out), run products and the
 * convolutions on byte offsets. With worker threads attached (shared memory only), large
 * products are split into chunks of rows or columns and convolutions into images or taps, which
 * the threads take in turn; every output is still computed by one thread in the same order, so the
 * results do not depend on the number of threads.
 */
export class SimdInstance {
  readonly heap: WasmHeap;
  readonly exports: KernelExports;
  /** The compiled module, for worker threads that instantiate it over the same shared memory. */
  readonly module: WebAssembly.Module;
  private scratch: ThreadScratch[] = [];
  /** The packed slice of B, shared by the threads of a product. */
  private packB = 0;
  private readonly kernels: ((...args: number[]) => void)[];
  /** This instance's scratch block in the heap (offset and bytes; 0 bytes: none yet). */
  private scratchAt = 0;
  private scratchBytes = 0;
  /** True when the heap was made by this instance (released with it). */
  private readonly ownsHeap: boolean;
  private workers: GemmWorkers | null = null;
  private released = false;
  /** Products and convolutions split between threads so far. */
  parallelProducts = 0;
  /** Multiply-adds from which a product or convolution is split between threads. */
  parallelMinWork = PARALLEL_MIN_WORK;

  /**
   * `heap`: the heap to run on (kept by its owner); else a new one of its own, `shared` (a shared
   * memory and the module variant for it, so worker threads can be attached) or not.
   */
  constructor(options: { shared?: boolean; heap?: WasmHeap } = {}) {
    this.ownsHeap = !options.heap;
    this.heap = options.heap ?? new WasmHeap(options.shared ?? false);
    this.module = compileKernelModule(this.heap.shared);
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
   * Lays out one call's scratch: the product scratch for outputs up to `maxColumns` wide, then
   * regions of `floats[i]` float32 values, in this instance's scratch block (made larger when it is
   * too small); returns the regions' byte offsets. The previous call's regions are overwritten.
   */
  layout(maxColumns: number, floats: readonly number[]): number[] {
    this.checkLive();
    const kc = this.exports.KC.value as number;
    const mc = this.exports.MC.value as number;
    const nc = this.exports.NC.value as number;
    const panelColumns = Math.min(nc, Math.ceil(maxColumns / 8) * 8);
    const scratch = [kc * panelColumns * 4, ...Array.from({ length: this.threads }, () => [mc * kc * 4, 32 * 4]).flat()];
    const sizes = [...scratch, ...floats.map((f) => f * 4)];
    const relative: number[] = [];
    let end = 0;
    for (const size of sizes) {
      relative.push(end);
      end += Math.ceil(size / BLOCK_ALIGN) * BLOCK_ALIGN;
    }
    if (end > this.scratchBytes) {
      const heap = this.heap;
      if (this.scratchBytes > 0) heap.deallocate(this.scratchAt);
      this.scratchBytes = 0;
      this.scratchAt = heap.allocate(end);
      this.scratchBytes = end;
    }
    const offsets = relative.map((r) => this.scratchAt + r);
    this.packB = offsets[0];
    this.scratch = Array.from({ length: this.threads }, (_, t) => ({ packA: offsets[1 + 2 * t], edge: offsets[2 + 2 * t] }));
    return offsets.slice(scratch.length);
  }

  /**
   * Places one call's operands: inputs and output that live in the heap are used in place, the
   * others get scratch regions (inputs copied in), after the product scratch for `maxColumns` and
   * `extra` regions of that many float32 values. Call `finish()` after the kernel.
   */
  place(maxColumns: number, inputs: readonly Float32Array[], out: Float32Array, extra: readonly number[] = []): Placed {
    const heap = this.heap;
    const resident = [...inputs, out].map((a) => heap.offsetOf(a));
    // Every operand in place and no scratch asked for (the cpu backend's memory-bound kernels):
    // nothing to lay out, which would cost more than a small kernel.
    if (maxColumns === 0 && extra.length === 0 && resident.every((r) => r >= 0)) {
      this.checkLive();
      return { inputs: resident.slice(0, inputs.length), out: resident[inputs.length], extra: [], finish: () => {} };
    }
    const offsets = this.layout(maxColumns, [...[...inputs, out].map((a, k) => (resident[k] >= 0 ? 0 : a.length)), ...extra]);
    const at = resident.map((r, k) => (r >= 0 ? r : offsets[k]));
    inputs.forEach((x, k) => {
      if (resident[k] < 0) this.write(x, at[k]);
    });
    const outAt = at[inputs.length];
    const outResident = resident[inputs.length] >= 0;
    return {
      inputs: at.slice(0, inputs.length),
      out: outAt,
      extra: offsets.slice(inputs.length + 1),
      finish: () => {
        if (!outResident) this.read(outAt, out);
      },
    };
  }

  private checkLive(): void {
    if (this.released) throw new Error('tensor-gpu: the WebAssembly kernels were disposed (their device was destroyed)');
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

  /** Stops the worker threads and frees the scratch block, dropping the heap when it is this instance's own; every later call throws. */
  release(): void {
    this.workers?.terminate();
    this.workers = null;
    if (this.ownsHeap) this.heap.release();
    else if (this.scratchBytes > 0 && !this.released) this.heap.deallocate(this.scratchAt);
    this.scratchBytes = 0;
    this.released = true;
  }
}
