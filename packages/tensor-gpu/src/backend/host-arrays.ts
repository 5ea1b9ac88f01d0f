/**
 * Where a host-resident device (cpu, webasm) gets the Float32Arrays of its buffers: a pool of
 * JavaScript arrays (`HostBufferPool`) or blocks of the cpu backend's shared WebAssembly heap
 * (`WasmHeap`), which the WebAssembly kernels then read and write in place.
 */
export interface HostArrays {
  /** A zeroed array of `length` values. */
  take(length: number): Float32Array;
  /** Returns an array nobody reads or writes any more; arrays this source did not make are ignored. */
  give(array: Float32Array): void;
  /** Drops what is kept for reuse. */
  clear(): void;
}
