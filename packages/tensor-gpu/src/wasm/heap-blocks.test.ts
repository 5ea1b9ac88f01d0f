import { describe, expect, it } from 'vitest';
import { splitmix32 } from '../random';
import { BLOCK_ALIGN, HeapBlocks } from './heap-blocks';

describe('HeapBlocks', () => {
  it('gives a freed block back to the next request of its size, and takes the end back when the last block is freed', () => {
    const blocks = new HeapBlocks(1024);
    const a = blocks.take(100);
    const b = blocks.take(4000);
    const c = blocks.take(100);
    expect([a, b, c]).toEqual([1024, 1024 + 128, 1024 + 128 + 4032]);
    blocks.give(b);
    expect(blocks.take(4000)).toBe(b);
    blocks.give(c);
    expect(blocks.end).toBe(1024 + 128 + 4032);
    expect(blocks.take(64)).toBe(c);
    blocks.give(c);
    blocks.give(b);
    blocks.give(a);
    expect(blocks.end).toBe(1024);
    expect(blocks.bytesInUse).toBe(0);
  });

  it('picks the best-fitting free range and merges freed neighbours', () => {
    const blocks = new HeapBlocks(0);
    const at = [256, 64, 128, 64, 64].map((s) => blocks.take(s));
    const guard = blocks.take(64);
    blocks.give(at[0]); // free: 256 at 0
    blocks.give(at[2]); // free: 128 at 320
    expect(blocks.take(100)).toBe(at[2]); // the 128-byte range fits best
    blocks.give(at[2]);
    blocks.give(at[1]); // merges 0..256, 256..320 and 320..448 into one range of 448
    expect(blocks.take(448)).toBe(0);
    expect(blocks.sizeOf(0)).toBe(448);
    expect(blocks.sizeOf(guard)).toBe(64);
  });

  it('never hands out overlapping blocks and counts the bytes in use (random takes and gives against a byte map)', () => {
    const next = splitmix32(9);
    const blocks = new HeapBlocks(BLOCK_ALIGN);
    const owner = new Int32Array(1 << 20).fill(-1); // which live block holds each 64-byte unit
    const live = new Map<number, number>();
    let id = 0;
    for (let i = 0; i < 3000; i++) {
      if (live.size > 0 && next() < 0.45) {
        const keys = [...live.keys()];
        const at = keys[Math.floor(next() * keys.length)];
        const size = live.get(at)!;
        for (let u = at / BLOCK_ALIGN; u < (at + size) / BLOCK_ALIGN; u++) owner[u] = -1;
        blocks.give(at);
        live.delete(at);
      } else {
        const bytes = 1 + Math.floor(next() * next() * 20000);
        const at = blocks.take(bytes);
        const size = blocks.sizeOf(at)!;
        expect(at % BLOCK_ALIGN).toBe(0);
        expect(size).toBeGreaterThanOrEqual(bytes);
        let overlapping = 0;
        for (let u = at / BLOCK_ALIGN; u < (at + size) / BLOCK_ALIGN; u++) {
          if (owner[u] !== -1) overlapping++;
          owner[u] = id;
        }
        expect(overlapping).toBe(0);
        id++;
        live.set(at, size);
        expect(at + size).toBeLessThanOrEqual(blocks.end);
      }
      expect(blocks.bytesInUse).toBe([...live.values()].reduce((s, v) => s + v, 0));
      expect(blocks.blocks).toBe(live.size);
    }
  });

  it('refuses to free a block that is not in use', () => {
    const blocks = new HeapBlocks(0);
    const a = blocks.take(10);
    blocks.give(a);
    expect(() => blocks.give(a)).toThrow(/no WebAssembly heap block in use starts at byte 0 \(freed twice\?\)/);
    expect(() => blocks.give(12345)).toThrow(/byte 12345/);
  });
});
