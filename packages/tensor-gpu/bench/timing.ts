/**
 * Timing protocol of the benchmark (the one of `/work/shared/research/perf-anchors.md`): one
 * warm-up call (its output is also the one checked for correctness), then the median of at
 * least 11 repetitions, each timing a batch of calls that lasts at least 40 ms. Calls slower
 * than 2 s get 3 repetitions; a case whose single call takes more than 20 s is skipped.
 * Also measures how busy the rest of the machine was while a case ran.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Knobs of the protocol (defaults are the protocol's values). */
export interface TimingOptions {
  /** Minimum duration of one repetition's batch of calls (ms). */
  minBatchMs: number;
  /** Repetitions for ordinary cases. */
  reps: number;
  /** Repetitions for calls slower than `slowCallMs`. */
  slowReps: number;
  /** A call slower than this (ms) counts as slow. */
  slowCallMs: number;
  /** A case whose single call is slower than this (ms) is skipped. */
  skipCallMs: number;
}

export const DEFAULT_TIMING: TimingOptions = {
  minBatchMs: 40,
  reps: 11,
  slowReps: 3,
  slowCallMs: 2_000,
  skipCallMs: 20_000,
};

/** What one measured case produced. */
export interface Timing {
  /** Duration of the warm-up call (compilation and first-touch costs included). */
  firstCallMs: number;
  /** Median over repetitions of (batch duration / calls in the batch). */
  msPerCall: number;
  /** Repetitions timed. */
  reps: number;
  /** Calls in each repetition's batch. */
  callsPerRep: number[];
  /** Time per call of each repetition (ms), in run order. */
  repMsPerCall: number[];
}

/** A call under test: may return a promise (tensor-gpu's `await y.data()`) or not (tfjs `dataSync`). */
export type BenchCall = () => unknown;

function nowMs(): number {
  return performance.now();
}

async function invoke(call: BenchCall): Promise<void> {
  const r = call();
  if (r instanceof Promise) await r;
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Median over paired rounds of `slower[r] / faster[r]`, skipping rounds where either side has no time (NaN when none has). */
export function pairedRatio(slower: readonly number[], faster: readonly number[]): number {
  return median(slower.map((v, r) => v / faster[r]).filter((v) => !Number.isNaN(v)));
}

/** Times the warm-up call `first` (which returns the output to check); returns its output and duration. */
export async function warmUp<T>(first: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const t0 = nowMs();
  const value = await first();
  return { value, ms: nowMs() - t0 };
}

/**
 * Times `call` after the warm-up: each repetition repeats it until the batch lasts at least
 * `minBatchMs`; the first repetition decides between `reps` and `slowReps`.
 */
export async function timeCalls(call: BenchCall, firstCallMs: number, options: TimingOptions = DEFAULT_TIMING): Promise<Timing> {
  const callsPerRep: number[] = [];
  const repMsPerCall: number[] = [];
  let reps = options.reps;
  for (let r = 0; r < reps; r++) {
    let calls = 0;
    const t0 = nowMs();
    let elapsed = 0;
    do {
      await invoke(call);
      calls++;
      elapsed = nowMs() - t0;
    } while (elapsed < options.minBatchMs);
    callsPerRep.push(calls);
    repMsPerCall.push(elapsed / calls);
    if (r === 0 && elapsed / calls > options.slowCallMs) reps = Math.min(reps, options.slowReps);
  }
  return { firstCallMs, msPerCall: median(repMsPerCall), reps, callsPerRep, repMsPerCall };
}

/** The three load averages of `/proc/loadavg` (null where the file cannot be read). */
export function loadAverage(): [number, number, number] | null {
  try {
    const [a, b, c] = readFileSync('/proc/loadavg', 'utf8').trim().split(/\s+/).map(Number);
    return [a, b, c];
  } catch {
    return null;
  }
}

/** The raw first line of `/proc/loadavg`, for the record. */
export function loadAverageLine(): string | null {
  try {
    return readFileSync('/proc/loadavg', 'utf8').trim();
  } catch {
    return null;
  }
}

let clockTicks: number | null = null;

/** Kernel clock ticks per second of `/proc/stat` (`getconf CLK_TCK`, 100 when unknown). */
export function clockTicksPerSecond(): number {
  if (clockTicks === null) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const v = Number(r.stdout?.trim());
    clockTicks = Number.isFinite(v) && v > 0 ? v : 100;
  }
  return clockTicks;
}

interface CpuSnapshot {
  wallMs: number;
  /** Busy ticks of the whole machine (user, nice, system, irq, softirq), or null. */
  busyTicks: number | null;
  /** Ticks the hypervisor stole, or null. */
  stealTicks: number | null;
  /** CPU time of this process (µs, user + system, every thread). */
  ownMicros: number;
}

function snapshot(): CpuSnapshot {
  let busyTicks: number | null = null;
  let stealTicks: number | null = null;
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = f;
    busyTicks = user + nice + system + irq + softirq;
    stealTicks = steal ?? 0;
  } catch {
    // not Linux: no machine-wide numbers
  }
  const own = process.cpuUsage();
  return { wallMs: nowMs(), busyTicks, stealTicks, ownMicros: own.user + own.system };
}

/** CPU use while a stretch of the benchmark ran, in cores (1 = one core fully busy). */
export interface CpuUse {
  wallS: number;
  /** This process (all its threads, llvmpipe's included). */
  ownCores: number;
  /** The whole machine, or null where `/proc/stat` is missing. */
  machineCores: number | null;
  /** Everything but this process: the other engineers' load. */
  otherCores: number | null;
  /** Time the hypervisor gave to other guests, or null. */
  stealCores: number | null;
}

/** Starts measuring CPU use; call the returned function to stop and read it. */
export function startCpuMeter(): () => CpuUse {
  const a = snapshot();
  return () => {
    const b = snapshot();
    const wallS = Math.max(1e-9, (b.wallMs - a.wallMs) / 1000);
    const hz = clockTicksPerSecond();
    const ownCores = (b.ownMicros - a.ownMicros) / 1e6 / wallS;
    const machineCores = a.busyTicks === null || b.busyTicks === null ? null : (b.busyTicks - a.busyTicks) / hz / wallS;
    const stealCores = a.stealTicks === null || b.stealTicks === null ? null : (b.stealTicks - a.stealTicks) / hz / wallS;
    const otherCores = machineCores === null ? null : Math.max(0, machineCores - ownCores);
    return { wallS, ownCores, machineCores, otherCores, stealCores };
  };
}
