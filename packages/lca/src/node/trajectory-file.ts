// A trajectory streamed to and from one file on disk, in chunks of rows (Node only).
import type { LayoutEntry } from '../layout/layout';
import { bytesPerValue, decodeHeader, encodeHeader, TRAJECTORY_VERSION, type TrajectoryHeader } from '../trajectory/format';
import type { TrajectoryDtype, TrajectorySink, TrajectorySource } from '../trajectory/types';

type FileHandle = import('node:fs/promises').FileHandle;

/** Options of {@link TrajectoryFileWriter.create}. */
export interface TrajectoryFileOptions {
  /** Precision of the stored rows (default `'float64'`). */
  dtype?: TrajectoryDtype;
  /** Rows buffered in memory before each write (default: about 8 MiB worth). */
  rowsPerChunk?: number;
}

async function fs(): Promise<typeof import('node:fs/promises')> {
  return import('node:fs/promises');
}

function defaultRows(size: number, bytes: number, rows?: number): number {
  if (rows !== undefined && (!Number.isInteger(rows) || rows < 1)) throw new Error(`trajectory: rowsPerChunk must be a positive integer, got ${String(rows)}`);
  return rows ?? Math.max(1, Math.floor((8 << 20) / (size * bytes)));
}

/**
 * Writes θ_0, θ_1, … to a file: a JSON header, then one little-endian row per iteration.
 * Rows are buffered and written `rowsPerChunk` at a time, so memory stays at one chunk.
 */
export class TrajectoryFileWriter implements TrajectorySink {
  private buffered = 0;
  private rowsWritten = 0;

  private constructor(
    private handle: FileHandle | null,
    /** The file path. */
    readonly path: string,
    /** P. */
    readonly size: number,
    /** Storage precision. */
    readonly dtype: TrajectoryDtype,
    private readonly chunk: Float64Array | Float32Array,
    private readonly rowsPerChunk: number,
  ) {}

  /** Creates (or truncates) `path` and writes the header. */
  static async create(path: string, entries: readonly LayoutEntry[], options: TrajectoryFileOptions = {}): Promise<TrajectoryFileWriter> {
    const dtype = options.dtype ?? 'float64';
    const size = entries.reduce((n, e) => n + e.shape.reduce((a, b) => a * b, 1), 0);
    const rows = defaultRows(size, bytesPerValue(dtype), options.rowsPerChunk);
    const header: TrajectoryHeader = {
      version: TRAJECTORY_VERSION,
      dtype,
      size,
      entries: entries.map((e) => ({ name: e.name, shape: [...e.shape], unitAxis: e.unitAxis ?? null, ...(e.layer !== undefined ? { layer: e.layer } : {}) })),
    };
    const handle = await (await fs()).open(path, 'w');
    await handle.write(encodeHeader(header));
    const chunk = dtype === 'float64' ? new Float64Array(rows * size) : new Float32Array(rows * size);
    return new TrajectoryFileWriter(handle, path, size, dtype, chunk, rows);
  }

  /** Rows appended so far. */
  get length(): number {
    return this.rowsWritten + this.buffered;
  }

  /** Host bytes of the chunk buffer. */
  get bufferBytes(): number {
    return this.chunk.byteLength;
  }

  /** Appends one row (written to disk when the chunk is full). */
  async append(theta: Float64Array): Promise<void> {
    if (!this.handle) throw new Error(`${this.path}: the trajectory writer is closed`);
    if (theta.length !== this.size) throw new Error(`${this.path}: expected ${this.size} values, got ${theta.length}`);
    this.chunk.set(theta, this.buffered * this.size);
    this.buffered++;
    if (this.buffered === this.rowsPerChunk) await this.flush();
  }

  /** Writes the buffered rows. */
  async flush(): Promise<void> {
    if (!this.handle || this.buffered === 0) return;
    const bytes = new Uint8Array(this.chunk.buffer, 0, this.buffered * this.size * this.chunk.BYTES_PER_ELEMENT);
    await this.handle.write(bytes);
    this.rowsWritten += this.buffered;
    this.buffered = 0;
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    if (!this.handle) return;
    await this.flush();
    await this.handle.close();
    this.handle = null;
  }
}

/** Reads a trajectory file written by {@link TrajectoryFileWriter}, `rowsPerChunk` rows per read. */
export class TrajectoryFileReader implements TrajectorySource {
  private constructor(
    /** The file path. */
    readonly path: string,
    private readonly header: TrajectoryHeader,
    private readonly dataOffset: number,
    /** Stored rows (T + 1). */
    readonly length: number,
    private readonly rowsPerChunk: number,
  ) {}

  /** Opens `path` and reads its header. */
  static async open(path: string, options: { rowsPerChunk?: number } = {}): Promise<TrajectoryFileReader> {
    const f = await fs();
    const handle = await f.open(path, 'r');
    try {
      const { size: fileBytes } = await handle.stat();
      const head = new Uint8Array(Math.min(fileBytes, 1 << 20));
      await handle.read(head, 0, head.length, 0);
      const { header, dataOffset } = decodeHeader(head, path);
      const rowBytes = header.size * bytesPerValue(header.dtype);
      const length = Math.floor((fileBytes - dataOffset) / rowBytes);
      if (dataOffset + length * rowBytes !== fileBytes) throw new Error(`${path}: ${fileBytes - dataOffset} data bytes are not a whole number of ${rowBytes}-byte rows`);
      return new TrajectoryFileReader(path, header, dataOffset, length, defaultRows(header.size, bytesPerValue(header.dtype), options.rowsPerChunk));
    } finally {
      await handle.close();
    }
  }

  /** The tensors θ is made of. */
  get entries(): readonly LayoutEntry[] {
    return this.header.entries;
  }

  /** P. */
  get size(): number {
    return this.header.size;
  }

  /** Storage precision. */
  get dtype(): TrajectoryDtype {
    return this.header.dtype;
  }

  /** The rows in order, as new float64 arrays, reading one chunk at a time. */
  async *rows(): AsyncIterable<Float64Array> {
    const { size, dtype } = this.header;
    const bytes = bytesPerValue(dtype);
    const handle = await (await fs()).open(this.path, 'r');
    try {
      const buffer = new ArrayBuffer(this.rowsPerChunk * size * bytes);
      for (let r0 = 0; r0 < this.length; r0 += this.rowsPerChunk) {
        const rows = Math.min(this.rowsPerChunk, this.length - r0);
        const view = new Uint8Array(buffer, 0, rows * size * bytes);
        const { bytesRead } = await handle.read(view, 0, view.length, this.dataOffset + r0 * size * bytes);
        if (bytesRead !== view.length) throw new Error(`${this.path}: short read at row ${r0}`);
        const values = dtype === 'float64' ? new Float64Array(buffer, 0, rows * size) : new Float32Array(buffer, 0, rows * size);
        for (let r = 0; r < rows; r++) yield Float64Array.from(values.subarray(r * size, (r + 1) * size));
      }
    } finally {
      await handle.close();
    }
  }
}
