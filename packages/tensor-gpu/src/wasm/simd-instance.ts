import { compileKernelModule, type KernelExports } from './kernels-module';
import { WasmHeap } from './wasm-heap';

/** Byte offsets of the product's scratch regions for one call. */
interface GemmScratch {
  packA: number;
  packB: number;
  edge: number;
}

/**
 * One instance of the kernel module over its own memory, with the calls the host code makes:
 * lay out a call's regions (the product's packing scratch first), copy arrays in and out, run
 * products and the convolution unfolding steps on byte offsets.
 */
export class SimdInstance {
  readonly heap = new WasmHeap();
  readonly exports: KernelExports;
  private scratch: GemmScratch = { packA: 0, packB: 0, edge: 0 };

  constructor(module: WebAssembly.Module = compileKernelModule()) {
    const instance = new WebAssembly.Instance(module, { env: { memory: this.heap.memory } });
    this.exports = instance.exports as unknown as KernelExports;
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
    const [packA, packB, edge, ...rest] = this.heap.layout([mc * kc * 4, kc * panelColumns * 4, 32 * 4, ...floats.map((f) => f * 4)]);
    this.scratch = { packA, packB, edge };
    return rest;
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
    const s = this.scratch;
    const lda = transA ? m : n;
    const ldb = transB ? n : p;
    this.exports.gemm(a, lda, b, ldb, c, p, m, n, p, transA ? 1 : 0, transB ? 1 : 0, accumulate ? 1 : 0, s.packA, s.packB, s.edge);
  }

  /** Drops the memory; every later call throws. */
  release(): void {
    this.heap.release();
  }
}
