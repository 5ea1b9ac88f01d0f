/**
 * Result rows, the printed tables and the JSON file of the benchmark.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CaseGroup } from './cases';

/** One implementation on one case. */
export interface ResultRow {
  group: CaseGroup;
  size: string;
  impl: string;
  library: 'tensor-gpu' | 'tfjs';
  backend: string;
  unit: 'GFLOP/s' | 'GB/s';
  /** FLOPs or bytes per call. */
  work: number;
  /** Null when skipped or failed. */
  rate: number | null;
  msPerCall: number | null;
  firstCallMs: number | null;
  reps: number | null;
  callsPerRep: number[] | null;
  repMsPerCall: number[] | null;
  /** max |got − ref| / max |ref| against the float64 reference (warm-up output). */
  relErr: number | null;
  correct: boolean | null;
  ratioVsTfjsWasm: number | null;
  ratioVsTfjsCpu: number | null;
  /** CPU cores other processes used while this row ran (null off Linux). */
  otherLoadCores: number | null;
  /** CPU cores this process used while this row ran. */
  ownCores: number | null;
  /** 1-minute load average before and after this row. */
  loadavg1: [number | null, number | null];
  /** Live tensors / bytes after the timed calls minus before (0 = memory stayed flat). */
  memoryDelta: { tensors: number; bytes: number } | null;
  skipped: boolean;
  note: string | null;
}

/** Rows whose other load reached this many cores get a `*` (as in the anchors). */
export const BUSY_CORES = 0.3;

function fmtNum(v: number | null, digits = 3): string {
  if (v === null || !Number.isFinite(v)) return '–';
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2);
  return v.toPrecision(digits - 1 > 0 ? digits - 1 : 1);
}

function fmtMs(v: number | null): string {
  if (v === null) return '–';
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

function fmtRatio(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '–';
  return v >= 10 ? `${v.toFixed(1)}×` : v >= 0.1 ? `${v.toFixed(2)}×` : `${v.toFixed(3)}×`;
}

/** A markdown table (also readable as plain text). */
export function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The printed table of one case group, rows by implementation then size. */
export function groupTable(rows: readonly ResultRow[], implOrder: readonly string[]): string {
  if (rows.length === 0) return '(no rows)';
  const unit = rows[0].unit;
  const sizes = [...new Set(rows.map((r) => r.size))];
  const sorted = [...rows].sort((a, b) => implOrder.indexOf(a.impl) - implOrder.indexOf(b.impl) || sizes.indexOf(a.size) - sizes.indexOf(b.size));
  const body = sorted.map((r) => {
    const busy = r.otherLoadCores !== null && r.otherLoadCores >= BUSY_CORES ? '*' : '';
    if (r.skipped) return [r.impl, r.size, `skipped`, '–', '–', '–', '–', r.note ?? ''];
    const err = r.relErr === null ? '–' : `${r.relErr.toExponential(1)}${r.correct ? '' : ' FAIL'}`;
    return [r.impl, r.size, `${fmtNum(r.rate)}${busy}`, fmtMs(r.msPerCall), fmtRatio(r.ratioVsTfjsWasm), fmtRatio(r.ratioVsTfjsCpu), err, fmtNum(r.otherLoadCores, 2)];
  });
  return markdownTable(['implementation', 'size', unit, 'ms/call', 'ratio vs tfjs-wasm', 'ratio vs tfjs-cpu', 'rel. err', 'other load (cores)'], body);
}

/** Machine facts recorded with the results. */
export interface MachineInfo {
  date: string;
  node: string;
  v8: string;
  platform: string;
  cpuModel: string;
  cpuCount: number;
  display: string | null;
}

/** Date, Node and CPU of this run. */
export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    cpuModel: list[0]?.model ?? 'unknown',
    cpuCount: list.length,
    display: process.env.DISPLAY ?? null,
  };
}

/** The repository root (this file is packages/tensor-gpu/bench/report.ts), with a trailing slash. */
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Writes `value` as pretty JSON, creating the folder. Paths inside the repository (a tfjs wasm
 * folder, a data folder) are written relative to its root, so a result file says nothing about
 * where the checkout lives.
 */
export function writeJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const replacer = (_k: string, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
    if (typeof v === 'string' && v.startsWith(REPO_ROOT)) return v.slice(REPO_ROOT.length);
    return v;
  };
  writeFileSync(file, JSON.stringify(value, replacer, 2) + '\n');
}
