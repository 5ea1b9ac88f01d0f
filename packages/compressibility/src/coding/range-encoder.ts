/**
 * A byte-oriented range encoder with carry propagation (32-bit range, one byte out per
 * renormalisation; a run of 0xFF bytes is held back until a possible carry is known).
 */

/** Renormalise when the range falls below 2²⁴. */
export const RANGE_TOP = 1 << 24;

/** Encodes symbols given as (cumulative count, count, total) triples into bytes. */
export class RangeEncoder {
  private low = 0;
  private range = 0xffffffff;
  private cache = 0;
  private pending = 1;
  private out = new Uint8Array(1024);
  private length = 0;
  /** The very first byte is always 0 (the coded value starts below 2³²); it is not written. */
  private skipFirst = true;

  /** Narrows the range to the symbol's slice [cum, cum + freq) of `total` (total ≤ 2¹⁶). */
  encode(cum: number, freq: number, total: number): void {
    const r = Math.floor(this.range / total);
    this.low += r * cum;
    this.range = r * freq;
    while (this.range < RANGE_TOP) {
      this.range *= 256;
      this.shiftLow();
    }
  }

  /** Flushes the state and returns the coded bytes. */
  finish(): Uint8Array {
    for (let i = 0; i < 5; i++) this.shiftLow();
    return this.out.slice(0, this.length);
  }

  private shiftLow(): void {
    if (this.low < 0xff000000 || this.low >= 0x100000000) {
      const carry = this.low >= 0x100000000 ? 1 : 0;
      let byte = this.cache;
      do {
        this.write((byte + carry) & 0xff);
        byte = 0xff;
      } while (--this.pending !== 0);
      this.cache = Math.floor(this.low / RANGE_TOP) & 0xff;
    }
    this.pending++;
    this.low = (this.low % RANGE_TOP) * 256;
  }

  private write(byte: number): void {
    if (this.skipFirst) {
      this.skipFirst = false;
      return;
    }
    if (this.length === this.out.length) {
      const grown = new Uint8Array(this.out.length * 2);
      grown.set(this.out);
      this.out = grown;
    }
    this.out[this.length++] = byte;
  }
}
