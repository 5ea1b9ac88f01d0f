import type { HostArrays } from '../backend/host-arrays';
import { HeapBlocks } from './heap-blocks';
import { SHARED_MEMORY_PAGES } from './kernels-module';

const PAGE_BYTES = 65536;
/** Bytes kept free at the start of the memory for the control block of worker threads. */
export const CONTROL_BYTES = 1024;

/**
 * A WebAssembly memory with the blocks in use in it: the kernels' scratch and, on a shared
 * memory, the cpu backend's tensors (see {@link take}). It grows on demand and never shrinks; freed
 * blocks are reused (see {@link HeapBlocks}).
 *
 * A shared memory (SharedArrayBuffer) keeps every view valid when it grows, so a tensor can be a
 * Float32Array view of its block that the kernels reach by byte offset without copying. A private
 * memory detaches its views when it grows: there only per-call scratch lives in it, and operands
 * are copied in and out per call.
 */
export class WasmHeap implements HostArrays {
  private memoryOrNull: WebAssembly.Memory | null;
  private readonly blocks = new HeapBlocks(CONTROL_BYTES);
  /** Every buffer object the shared memory has had (one per size): views of any of them are in this heap. */
  private readonly buffers = new Set<ArrayBufferLike>();
  private current: ArrayBufferLike;
  /** Bytes of the blocks handed out as tensor arrays by {@link take}. */
  arrayBytes = 0;
  readonly shared: boolean;

  /** `shared`: a shared memory (SharedArrayBuffer) that worker threads and tensors can use too. */
  constructor(shared = false) {
    this.shared = shared;
    this.memoryOrNull = new WebAssembly.Memory(shared ? { initial: 1, maximum: SHARED_MEMORY_PAGES, shared: true } : { initial: 1 });
    this.current = this.memoryOrNull.buffer;
    this.buffers.add(this.current);
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

  /** Bytes of the blocks in use (tensor arrays and scratch). */
  get bytesInUse(): number {
    return this.blocks.bytesInUse;
  }

  /** Takes a block of at least `bytes` bytes, growing the memory when needed; returns its byte offset. */
  allocate(bytes: number): number {
    const at = this.blocks.take(bytes);
    try {
      this.reach(this.blocks.end);
    } catch (e) {
      this.blocks.give(at);
      throw e;
    }
    return at;
  }

  /** Gives back the block at byte offset `at` (nothing to do once the memory is released). */
  deallocate(at: number): void {
    if (this.memoryOrNull) this.blocks.give(at);
  }

  /**
   * A zeroed array of `length` float32 values in a block of this (shared) memory; it stays valid
   * when the memory grows, until {@link give} returns it.
   */
  take(length: number): Float32Array {
    if (!this.shared) throw new Error('tensor-gpu: tensors live only in a shared WebAssembly memory (a private one detaches its views when it grows)');
    const at = this.allocate(Math.max(1, length) * 4);
    this.arrayBytes += this.blocks.sizeOf(at)!;
    const view = new Float32Array(this.current, at, length);
    view.fill(0);
    return view;
  }

  /** Frees the block of `array` when {@link take} made it; other arrays are left to the garbage collector. */
  give(array: Float32Array): void {
    const at = this.offsetOf(array);
    if (at < 0 || !this.memoryOrNull) return;
    const size = this.blocks.sizeOf(at);
    if (size === undefined) return;
    this.arrayBytes -= size;
    this.blocks.give(at);
  }

  /** Nothing to drop: blocks come back one by one through {@link give}; the owner releases the memory. */
  clear(): void {}

  /** Byte offset of `array` in this memory, or -1 when it lives elsewhere. */
  offsetOf(array: Float32Array): number {
    return this.memoryOrNull && this.buffers.has(array.buffer) ? array.byteOffset : -1;
  }

  /** A float32 view of the whole memory (a private memory's views detach when it grows: take one per call). */
  floats(): Float32Array {
    return new Float32Array(this.shared ? this.current : this.memory.buffer);
  }

  /** Drops the memory; the heap cannot be used afterwards. */
  release(): void {
    this.memoryOrNull = null;
    this.blocks.reset();
    this.buffers.clear();
    this.arrayBytes = 0;
  }

  /** Grows the memory to at least `end` bytes, by at least a quarter of its size (fewer grow steps). */
  private reach(end: number): void {
    const memory = this.memory;
    const have = memory.buffer.byteLength;
    if (end <= have) return;
    const needed = Math.ceil((end - have) / PAGE_BYTES);
    const headroom = this.shared ? SHARED_MEMORY_PAGES - have / PAGE_BYTES : Infinity;
    if (needed > headroom) {
      throw new Error(
        `tensor-gpu: the WebAssembly heap cannot grow to ${end} bytes: its maximum is ${SHARED_MEMORY_PAGES * PAGE_BYTES} bytes ` +
          `(${SHARED_MEMORY_PAGES} pages; ${this.blocks.bytesInUse} bytes in use, ${this.arrayBytes} of them by tensors); dispose tensors that are no longer needed`,
      );
    }
    const pages = Math.min(headroom, Math.max(needed, Math.ceil(have / PAGE_BYTES / 4)));
    try {
      memory.grow(pages);
    } catch (e) {
      throw new Error(`tensor-gpu: cannot grow the WebAssembly heap to ${end} bytes (${(e as Error).message})`);
    }
    if (this.shared) {
      this.current = memory.buffer;
      this.buffers.add(this.current);
    }
  }
}
