/** The decoder matching {@link RangeEncoder}. */
import { RANGE_TOP } from './range-encoder';

/** Decodes symbols from the bytes of a {@link RangeEncoder}; reads past the end count as zeros. */
export class RangeDecoder {
  private code = 0;
  private range = 0xffffffff;
  private r = 1;
  private pos = 0;
  /** Bytes read past the end of the input (a valid stream needs at most a few). */
  overrun = 0;

  constructor(private readonly bytes: Uint8Array) {
    for (let i = 0; i < 4; i++) this.code = this.code * 256 + this.next();
  }

  /** The cumulative count the next symbol's slice holds, in [0, total). */
  target(total: number): number {
    this.r = Math.floor(this.range / total);
    return Math.min(Math.floor(this.code / this.r), total - 1);
  }

  /** Removes the decoded symbol's slice [cum, cum + freq) (after {@link target}). */
  consume(cum: number, freq: number): void {
    this.code -= this.r * cum;
    this.range = this.r * freq;
    while (this.range < RANGE_TOP) {
      this.code = (this.code * 256 + this.next()) % 0x100000000;
      this.range *= 256;
    }
  }

  /** Bytes consumed so far (including any past the end). */
  get consumed(): number {
    return this.pos;
  }

  private next(): number {
    if (this.pos < this.bytes.length) return this.bytes[this.pos++];
    this.pos++;
    this.overrun++;
    return 0;
  }
}
