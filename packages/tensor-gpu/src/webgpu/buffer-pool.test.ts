import { describe, expect, it } from 'vitest';
import { BufferPool, sizeClass } from './buffer-pool';

/** A stand-in device that records the buffers it creates (the pool never touches their contents). */
function fakeDevice() {
  const made: { size: number; usage: number; destroyed: boolean; destroy(): void }[] = [];
  const device = {
    createBuffer({ size, usage }: { size: number; usage: number }) {
      const b = { size, usage, destroyed: false, destroy() { this.destroyed = true; } };
      made.push(b);
      return b;
    },
  };
  return { device: device as unknown as GPUDevice, made };
}

describe('buffer pool', () => {
  it('size classes are at most 12.5% above the request, multiples of 16 and at least 256 bytes', () => {
    for (let bytes = 0; bytes < 70000; bytes += 37) {
      const c = sizeClass(bytes);
      expect(c).toBeGreaterThanOrEqual(Math.max(bytes, 256));
      expect(c % 16).toBe(0);
      if (bytes > 256) expect(c / bytes).toBeLessThanOrEqual(1.125 + 1e-9);
    }
    expect(() => sizeClass(-1)).toThrow(/bytes must be a finite number ≥ 0, got -1/);
  });

  it('reuses a released buffer of the same class, creates one for another class, and destroys idle ones on trim', () => {
    const { device, made } = fakeDevice();
    const pool = new BufferPool(device, 0x80);
    const a = pool.acquire(4000);
    pool.release(a);
    const b = pool.acquire(3960); // same class as 4000
    expect(b).toBe(a);
    const c = pool.acquire(100);
    expect(made.length).toBe(2);
    expect(pool.inUse).toBe(2);
    pool.release(b);
    pool.release(c);
    expect(pool.idleBytes).toBe(sizeClass(4000) + 256);
    pool.trim();
    expect(made.every((m) => m.destroyed)).toBe(true);
    expect(pool.idleBytes).toBe(0);
  });
});
