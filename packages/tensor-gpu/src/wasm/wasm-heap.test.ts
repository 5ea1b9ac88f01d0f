import { describe, expect, it } from 'vitest';
import { SHARED_MEMORY_PAGES } from './kernels-module';
import { CONTROL_BYTES, WasmHeap } from './wasm-heap';

describe('WasmHeap', () => {
  it('hands out zeroed views of a shared memory that stay valid while it grows, and knows their offsets', () => {
    const heap = new WasmHeap(true);
    const a = heap.take(5);
    a.set([1, 2, 3, 4, 5]);
    const big = heap.take(1 << 20); // grows the memory past its first page
    expect(heap.bytes).toBeGreaterThan(4 << 20);
    expect(Array.from(a)).toEqual([1, 2, 3, 4, 5]);
    expect(heap.offsetOf(a)).toBeGreaterThanOrEqual(CONTROL_BYTES);
    expect(heap.floats()[heap.offsetOf(a) / 4 + 2]).toBe(3);
    expect(heap.offsetOf(big)).toBe(big.byteOffset);
    expect(heap.offsetOf(new Float32Array(4))).toBe(-1);
    expect(heap.arrayBytes).toBe(64 + (4 << 20));
    const at = heap.offsetOf(a);
    heap.give(a);
    const again = heap.take(5);
    expect(heap.offsetOf(again)).toBe(at);
    expect(Array.from(again)).toEqual([0, 0, 0, 0, 0]);
    heap.give(again);
    heap.give(big);
    expect(heap.arrayBytes).toBe(0);
    expect(heap.bytesInUse).toBe(0);
    heap.release();
  });

  it('fails with a clear error when its maximum size would be exceeded, and stays usable', () => {
    const heap = new WasmHeap(true);
    const max = SHARED_MEMORY_PAGES * 65536;
    expect(() => heap.allocate(max)).toThrow(new RegExp(`cannot grow to \\d+ bytes: its maximum is ${max} bytes \\(${SHARED_MEMORY_PAGES} pages`));
    expect(heap.bytesInUse).toBe(0);
    const a = heap.take(16);
    expect(a.length).toBe(16);
    heap.give(a);
    heap.release();
  });

  it('lets blocks be given back after the memory was released (an engine destroyed before its kernels)', () => {
    const heap = new WasmHeap(true);
    const at = heap.allocate(100);
    heap.release();
    expect(() => heap.deallocate(at)).not.toThrow();
    expect(heap.bytes).toBe(0);
  });

  it('keeps tensors out of a private memory, whose views detach when it grows', () => {
    const heap = new WasmHeap(false);
    expect(() => heap.take(4)).toThrow(/only in a shared WebAssembly memory/);
    heap.release();
  });
});
