import type { GemmCall, GemmWorkers } from './gemm-workers';
import { compileKernelModule, type KernelExports } from './kernels-module';
import { BLOCK_ALIGN } from './heap-blocks';
import { WasmHeap } from './wasm-heap';

/** Byte offsets of one thread's product scratch regions for one call. */
interface GemmScratch {
  packA: number;
  packB: number;
  edge: number;
}

/**
 * Products with fewer multiply-adds than this (about 0.1 ms of work) run on the calling thread
 * alone: waking a worker costs tens of microseconds, and each thread packs its own copy of B.
 * Measured on 2 vCPUs: a 128³ product and LeNet's first convolution ran slower split in two.
 */
const PARALLEL_MIN_WORK = 1 << 22;
/** Rows and columns of the register tile: blocks split between threads are multiples of them. */
const TILE_ROWS = 4;
const TILE_COLUMNS = 8;

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
 * convolution unfolding steps on byte offsets. With worker threads attached
 * (shared memory only), large products are split into blocks of rows or columns, one per thread;
 * every output is still computed by one thread in the same order, so the results do not depend on
 * the number of threads.
 */
export class SimdInstance {
  readonly heap: WasmHeap;
  readonly exports: KernelExports;
  /** The compiled module, for worker threads that instantiate it over the same shared memory. */
  readonly module: WebAssembly.Module;
  private scratch: GemmScratch[] = [];
  /** This instance's scratch block in the heap (offset and bytes; 0 bytes: none yet). */
  private scratchAt = 0;
  private scratchBytes = 0;
  /** True when the heap was made by this instance (released with it). */
  private readonly ownsHeap: boolean;
  private workers: GemmWorkers | null = null;
  private released = false;
  /** Products split between threads so far. */
  parallelProducts = 0;

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
    if (this.released) throw new Error('tensor-gpu: the WebAssembly kernels were disposed (their device was destroyed)');
    const kc = this.exports.KC.value as number;
    const mc = this.exports.MC.value as number;
    const nc = this.exports.NC.value as number;
    const panelColumns = Math.min(nc, Math.ceil(maxColumns / 8) * 8);
    const perThread = [mc * kc * 4, kc * panelColumns * 4, 32 * 4];
    const sizes = [...Array.from({ length: this.threads }, () => perThread).flat(), ...floats.map((f) => f * 4)];
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
    this.scratch = Array.from({ length: this.threads }, (_, t) => ({ packA: offsets[3 * t], packB: offsets[3 * t + 1], edge: offsets[3 * t + 2] }));
    return offsets.slice(3 * this.threads);
  }

  /**
   * Places one call's operands: inputs and output that live in the heap are used in place, the
   * others get scratch regions (inputs copied in), after the product scratch for `maxColumns` and
   * `extra` regions of that many float32 values. Call `finish()` after the kernel.
   */
  place(maxColumns: number, inputs: readonly Float32Array[], out: Float32Array, extra: readonly number[] = []): Placed {
    const heap = this.heap;
    const resident = [...inputs, out].map((a) => heap.offsetOf(a));
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
    const flags = [transA ? 1 : 0, transB ? 1 : 0, accumulate ? 1 : 0];
    const workers = this.workers;
    // Each thread packs its own copy of the operand it does not split: split C's rows when B is
    // the smaller operand to copy (m ≥ p), its columns otherwise.
    const byRows = m >= p;
    const step = byRows ? TILE_ROWS : TILE_COLUMNS;
    const threads = Math.min(this.threads, Math.floor((byRows ? m : p) / step));
    if (!workers || threads < 2 || m * n * p < PARALLEL_MIN_WORK) {
      const s = this.scratch[0];
      this.exports.gemm(a, lda, b, ldb, c, p, m, n, p, flags[0], flags[1], flags[2], s.packA, s.packB, s.edge);
      return;
    }
    // Thread t computes block [t·size, (t+1)·size) of C's rows (or columns) with its own scratch.
    const size = Math.ceil((byRows ? m : p) / threads / step) * step;
    const calls: (GemmCall | null)[] = [];
    for (let t = 0; t < this.threads; t++) {
      const first = t * size;
      const count = Math.min(size, (byRows ? m : p) - first);
      if (count <= 0) {
        calls.push(null);
        continue;
      }
      const s = this.scratch[t];
      const scratch = [s.packA, s.packB, s.edge];
      if (byRows) {
        const aBlock = a + 4 * (transA ? first : first * lda);
        calls.push([aBlock, lda, b, ldb, c + 4 * first * p, p, count, n, p, ...flags, ...scratch]);
      } else {
        const bBlock = b + 4 * (transB ? first * ldb : first);
        calls.push([a, lda, bBlock, ldb, c + 4 * first, p, m, n, count, ...flags, ...scratch]);
      }
    }
    const own = calls[0]!;
    this.parallelProducts++;
    workers.run(calls.slice(1), () => (this.exports.gemm as (...args: number[]) => void)(...own));
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
