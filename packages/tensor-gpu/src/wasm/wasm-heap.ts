import { SHARED_MEMORY_PAGES } from './kernels-module';

const PAGE_BYTES = 65536;
/** Region starts are aligned to a cache line. */
const ALIGN = 64;
/** Bytes kept free at the start of the memory for the control block of worker threads. */
export const CONTROL_BYTES = 1024;

/**
 * A WebAssembly memory owned by one kernel instance. It grows on demand and never shrinks; every
 * call lays its regions out from the start again, so repeated calls of the same shapes reuse the
 * same bytes and the memory settles at the largest call's footprint.
 */
export class WasmHeap {
  private memoryOrNull: WebAssembly.Memory | null;

  /** `shared`: a shared memory (SharedArrayBuffer) that worker threads can use too. */
  constructor(shared = false) {
    this.memoryOrNull = new WebAssembly.Memory(shared ? { initial: 1, maximum: SHARED_MEMORY_PAGES, shared: true } : { initial: 1 });
  }

  /** The memory; throws after `release`. */
  get memory(): WebAssembly.Memory {
    if (!this.memoryOrNull) throw new Error('tensor-gpu: the WebAssembly kernels were disposed (their device was destroyed)');
    return this.memoryOrNull;
  }

  /** Bytes the memory holds now (0 after `release`). */
  get bytes(): number {
    return this.memoryOrNull?.buffer.byteLength ?? 0;
  }

  /**
   * Byte offsets of consecutive regions of `sizes` bytes each, after growing the memory to hold
   * them all. The previous call's regions are overwritten.
   */
  layout(sizes: readonly number[]): number[] {
    const offsets: number[] = [];
    let end = CONTROL_BYTES;
    for (const size of sizes) {
      offsets.push(end);
      end += Math.ceil(size / ALIGN) * ALIGN;
    }
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE_BYTES);
      try {
        this.memory.grow(pages);
      } catch (e) {
        throw new Error(`tensor-gpu: cannot grow the WebAssembly memory to ${end} bytes for one product (${(e as Error).message})`);
      }
    }
    return offsets;
  }

  /** A float32 view of the whole memory (views detach when the memory grows: take one per call). */
  floats(): Float32Array {
    return new Float32Array(this.memory.buffer);
  }

  /** Drops the memory; the heap cannot be used afterwards. */
  release(): void {
    this.memoryOrNull = null;
  }
}
