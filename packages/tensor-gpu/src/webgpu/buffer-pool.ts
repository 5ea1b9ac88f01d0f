/**
 * Reuses freed GPU buffers. Sizes are rounded up to a size class (powers of two from 256 bytes,
 * then multiples of 1/8 of the power of two), so a training loop that frees and allocates the same
 * shapes every step creates no buffer after its first step. A buffer handed back may be handed out
 * again at once: WebGPU orders every later queue operation (writeBuffer, submit) after the ones
 * already queued, so a new writer cannot overtake a pending reader.
 */
export class BufferPool {
  private readonly idle = new Map<number, GPUBuffer[]>();
  /** Buffers created so far, buffers handed out now, and bytes held idle. */
  created = 0;
  inUse = 0;
  idleBytes = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly usage: number,
  ) {}

  /** A buffer of at least `bytes` bytes (its `size` is the size class). */
  acquire(bytes: number): GPUBuffer {
    const size = sizeClass(bytes);
    const list = this.idle.get(size);
    this.inUse++;
    const reused = list?.pop();
    if (reused) {
      this.idleBytes -= size;
      return reused;
    }
    this.created++;
    return this.device.createBuffer({ size, usage: this.usage });
  }

  /** Hands a buffer back for reuse. */
  release(buffer: GPUBuffer): void {
    this.inUse--;
    this.idleBytes += buffer.size;
    let list = this.idle.get(buffer.size);
    if (!list) this.idle.set(buffer.size, (list = []));
    list.push(buffer);
  }

  /** Destroys the idle buffers (handed-out ones stay with their owners). */
  trim(): void {
    for (const list of this.idle.values()) for (const b of list) b.destroy();
    this.idle.clear();
    this.idleBytes = 0;
  }
}

/** The size class of a request: at most 12.5% above it, a multiple of 16, at least 256 bytes. */
export function sizeClass(bytes: number): number {
  if (!Number.isFinite(bytes) || bytes < 0) throw new Error(`BufferPool: bytes must be a finite number ≥ 0, got ${bytes}`);
  if (bytes <= 256) return 256;
  const power = 2 ** Math.floor(Math.log2(bytes));
  const step = power / 8;
  return Math.ceil(bytes / step) * step;
}
