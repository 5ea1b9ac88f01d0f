/** Block starts and sizes are multiples of a cache line, so SIMD loads of neighbouring blocks never share one. */
export const BLOCK_ALIGN = 64;

/** A free range of the heap: byte offset and size. */
interface FreeRange {
  at: number;
  size: number;
}

/**
 * Which byte ranges of a linear memory are in use: blocks are handed out best-fit from freed
 * ranges (so the next block of a freed size takes that very range back, which is what a training
 * step asks for: the same shapes every step), else from the end. Freed neighbours merge, and a
 * free range at the end moves the end back. Offsets only: the memory itself is the caller's.
 */
export class HeapBlocks {
  /** Size of each block in use, by its offset. */
  private readonly used = new Map<number, number>();
  /** Free ranges below `end`, sorted by offset, never touching each other. */
  private readonly free: FreeRange[] = [];
  /** First byte after the last block (blocks come from here when no free range fits). */
  private endAt: number;
  /** Bytes of the blocks in use. */
  bytesInUse = 0;

  /** `start`: the first byte blocks may use (bytes below it are reserved). */
  constructor(private readonly start: number) {
    this.endAt = start;
  }

  /** First byte after the last block: how far the memory must reach. */
  get end(): number {
    return this.endAt;
  }

  /** Size of the block at `at` (rounded up to {@link BLOCK_ALIGN}), or undefined when none starts there. */
  sizeOf(at: number): number | undefined {
    return this.used.get(at);
  }

  /** Takes a block of at least `bytes` bytes (≥ 1); returns its offset. The caller grows the memory to `end`. */
  take(bytes: number): number {
    const size = Math.max(BLOCK_ALIGN, Math.ceil(bytes / BLOCK_ALIGN) * BLOCK_ALIGN);
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const s = this.free[i].size;
      if (s >= size && (best < 0 || s < this.free[best].size)) {
        best = i;
        if (s === size) break;
      }
    }
    let at: number;
    if (best >= 0) {
      const range = this.free[best];
      at = range.at;
      if (range.size === size) this.free.splice(best, 1);
      else {
        range.at += size;
        range.size -= size;
      }
    } else {
      at = this.endAt;
      this.endAt += size;
    }
    this.used.set(at, size);
    this.bytesInUse += size;
    return at;
  }

  /** Gives back the block at `at`; throws when no block in use starts there (a double free). */
  give(at: number): void {
    const size = this.used.get(at);
    if (size === undefined) throw new Error(`tensor-gpu: no WebAssembly heap block in use starts at byte ${at} (freed twice?)`);
    this.used.delete(at);
    this.bytesInUse -= size;
    // Insert by offset, merging with the ranges just before and after.
    let lo = 0;
    let hi = this.free.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.free[mid].at < at) lo = mid + 1;
      else hi = mid;
    }
    const before = lo > 0 ? this.free[lo - 1] : null;
    const after = lo < this.free.length ? this.free[lo] : null;
    let range: FreeRange;
    if (before && before.at + before.size === at) {
      before.size += size;
      range = before;
      if (after && at + size === after.at) {
        before.size += after.size;
        this.free.splice(lo, 1);
      }
    } else if (after && at + size === after.at) {
      after.at = at;
      after.size += size;
      range = after;
    } else {
      range = { at, size };
      this.free.splice(lo, 0, range);
    }
    if (range.at + range.size === this.endAt) {
      this.endAt = range.at;
      this.free.pop();
    }
  }

  /** Number of blocks in use. */
  get blocks(): number {
    return this.used.size;
  }

  /** Forgets every block: the whole range from `start` is free again. */
  reset(): void {
    this.used.clear();
    this.free.length = 0;
    this.endAt = this.start;
    this.bytesInUse = 0;
  }
}
