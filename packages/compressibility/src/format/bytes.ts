/** Little-endian byte writing and bounds-checked reading for the compressed-weights format. */
import { CompressedFileError } from './errors';

/** Appends little-endian fields to a growing buffer. */
export class ByteWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  /** Bytes written so far. */
  length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }

  /** An unsigned byte. */
  u8(v: number): void {
    this.ensure(1);
    this.view.setUint8(this.length, v);
    this.length += 1;
  }

  /** An unsigned 16-bit integer. */
  u16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.length, v, true);
    this.length += 2;
  }

  /** An unsigned 32-bit integer. */
  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
  }

  /** A signed 32-bit integer. */
  i32(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
  }

  /** An IEEE 754 single. */
  f32(v: number): void {
    this.ensure(4);
    this.view.setFloat32(this.length, v, true);
    this.length += 4;
  }

  /** Raw bytes. */
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** Overwrites an unsigned 32-bit integer at `offset` (already written). */
  patchU32(offset: number, v: number): void {
    this.view.setUint32(offset, v, true);
  }

  /** A copy of the bytes written. */
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Reads little-endian fields; reading past `end` throws a {@link CompressedFileError} naming the field. */
export class ByteReader {
  private readonly view: DataView;
  /** Offset of the next byte. */
  pos = 0;

  constructor(
    private readonly buf: Uint8Array,
    /** Reading stops here (exclusive), e.g. before a trailing checksum. */
    private readonly end = buf.length,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** Bytes left before `end`. */
  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, field: string): number {
    if (this.pos + n > this.end) {
      throw new CompressedFileError('truncated', `${field} needs ${n} byte(s) at offset ${this.pos}, but only ${Math.max(0, this.end - this.pos)} remain`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  /** An unsigned byte. */
  u8(field: string): number {
    return this.view.getUint8(this.need(1, field));
  }

  /** An unsigned 16-bit integer. */
  u16(field: string): number {
    return this.view.getUint16(this.need(2, field), true);
  }

  /** An unsigned 32-bit integer. */
  u32(field: string): number {
    return this.view.getUint32(this.need(4, field), true);
  }

  /** A signed 32-bit integer. */
  i32(field: string): number {
    return this.view.getInt32(this.need(4, field), true);
  }

  /** An IEEE 754 single. */
  f32(field: string): number {
    return this.view.getFloat32(this.need(4, field), true);
  }

  /** `n` raw bytes (a view, not a copy). */
  bytes(n: number, field: string): Uint8Array {
    const at = this.need(n, field);
    return this.buf.subarray(at, at + n);
  }
}
