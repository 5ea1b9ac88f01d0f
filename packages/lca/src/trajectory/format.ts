// The binary layout of a trajectory file: magic, JSON header, then T + 1 little-endian rows.
import type { LayoutEntry } from '../layout/layout';
import type { TrajectoryDtype } from './types';

/** The 8 bytes a trajectory file starts with. */
export const TRAJECTORY_MAGIC = 'NNLABTRJ';

/** Version of the header written by this package. */
export const TRAJECTORY_VERSION = 1;

/** The JSON header of a trajectory file. */
export interface TrajectoryHeader {
  /** Format version. */
  version: number;
  /** Precision of the rows. */
  dtype: TrajectoryDtype;
  /** Values per row (P). */
  size: number;
  /** The tensors θ is made of. */
  entries: LayoutEntry[];
}

/** Bytes per stored value. */
export function bytesPerValue(dtype: TrajectoryDtype): number {
  return dtype === 'float64' ? 8 : 4;
}

/** Encodes the header block (magic, length, JSON, zero padding to a multiple of 8 bytes). */
export function encodeHeader(header: TrajectoryHeader): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const total = Math.ceil((12 + json.length) / 8) * 8;
  const out = new Uint8Array(total);
  out.set(new TextEncoder().encode(TRAJECTORY_MAGIC), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  return out;
}

/** Reads the header from the first bytes of a file; returns it with the offset of row 0. */
export function decodeHeader(bytes: Uint8Array, file: string): { header: TrajectoryHeader; dataOffset: number } {
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (bytes.length < 12 || magic !== TRAJECTORY_MAGIC) throw new Error(`${file}: not an LCA trajectory file (bad magic)`);
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + length > bytes.length) throw new Error(`${file}: truncated header`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length))) as TrajectoryHeader;
  if (header.version !== TRAJECTORY_VERSION) throw new Error(`${file}: unsupported trajectory version ${String(header.version)}`);
  if (header.dtype !== 'float64' && header.dtype !== 'float32') throw new Error(`${file}: unknown dtype ${JSON.stringify(header.dtype)}`);
  return { header, dataOffset: Math.ceil((12 + length) / 8) * 8 };
}
