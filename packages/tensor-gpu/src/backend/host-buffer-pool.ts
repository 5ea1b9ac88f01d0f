import type { HostArrays } from './host-arrays';

/** Pooled bytes beyond which freed arrays are left to the garbage collector. */
const DEFAULT_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * Float32Arrays of freed tensors on a host-resident backend, kept by length for the next kernel
 * output of the same size. A training step makes the same shapes every step, so after the first
 * step its outputs reuse the previous step's arrays instead of allocating (and zeroing, and later
 * collecting) new ones; large fresh typed arrays cost page faults and garbage-collection pauses.
 * Arrays handed out are zeroed, as fresh ones are. One pool per device; nothing is shared. The
 * cpu backend keeps its tensors in its WebAssembly heap instead where it can (a shared memory);
 * this pool serves the webasm backend and the cpu backend without one.
 */
export class HostBufferPool implements HostArrays {
  private readonly free = new Map<number, Float32Array[]>();
  /** Arrays this pool allocated: only these come back (an array from gpu.js may view its own memory). */
  private readonly own = new WeakSet<Float32Array>();
  /** Bytes held by pooled (not live) arrays. */
  pooledBytes = 0;

  constructor(private readonly limitBytes = DEFAULT_LIMIT_BYTES) {}

  /** A zeroed array of `length` values: a pooled one when there is one. */
  take(length: number): Float32Array {
    const list = this.free.get(length);
    const reused = list?.pop();
    if (!reused) {
      const fresh = new Float32Array(length);
      this.own.add(fresh);
      return fresh;
    }
    this.pooledBytes -= reused.byteLength;
    reused.fill(0);
    return reused;
  }

  /** Keeps `array`, one this pool handed out that nobody reads or writes any more, for a later `take`, within the limit. */
  give(array: Float32Array): void {
    if (!this.own.has(array) || array.length === 0 || this.pooledBytes + array.byteLength > this.limitBytes) return;
    let list = this.free.get(array.length);
    if (!list) {
      list = [];
      this.free.set(array.length, list);
    }
    list.push(array);
    this.pooledBytes += array.byteLength;
  }

  /** Drops every pooled array. */
  clear(): void {
    this.free.clear();
    this.pooledBytes = 0;
  }
}
