import { elementwise } from '../ops/elementwise';
import type { Tensor } from '../tensor';

/**
 * A running sum of scalar tensors kept on the device, so a loop can add a value every step and
 * read it back (which forces a sync) only now and then. The sum is kept alive across `tidy`
 * scopes; each addition replaces it and disposes the previous one and the added value.
 */
export class DeviceSum {
  private total: Tensor | null = null;
  /** Values added since the last `take`. */
  count = 0;

  /** Adds `value` (a scalar tensor the sum takes ownership of). */
  add(value: Tensor): void {
    const engine = value.engine;
    const next = this.total ? elementwise('add', this.total, value) : value;
    engine.keep(next);
    if (this.total) {
      this.total.dispose();
      value.dispose();
    }
    this.total = next;
    this.count++;
  }

  /** Reads the sum back and resets it to empty; `{ sum: 0, count: 0 }` when nothing was added. */
  async take(): Promise<{ sum: number; count: number }> {
    const total = this.total;
    const count = this.count;
    this.total = null;
    this.count = 0;
    if (!total) return { sum: 0, count: 0 };
    try {
      return { sum: (await total.data())[0], count };
    } finally {
      total.dispose();
    }
  }

  /** Frees the sum without reading it. */
  dispose(): void {
    this.total?.dispose();
    this.total = null;
    this.count = 0;
  }
}
