// Test helper for the parsers' fuzz tests: runs one parse of one input and reports how long it took
// and how much memory it kept allocated (JS heap plus ArrayBuffers, measured while the result is
// still alive), so that a test can require every input to stay within a time and memory budget.

/** What one input may cost: a fixed part plus a part proportional to the input's own size. */
export interface FuzzBudget {
  /** Most milliseconds for one parse. */
  readonly ms: number;
  /** Most bytes allocated beyond `perByte` × the input size. */
  readonly bytes: number;
  /** Bytes allowed per byte of input. */
  readonly perByte: number;
}

/** The usual budget: 1 s and 64 MiB plus 64 bytes per input byte. */
export const DEFAULT_FUZZ_BUDGET: FuzzBudget = { ms: 1000, bytes: 64 * 2 ** 20, perByte: 64 };

/** The outcome of {@link measureParse}. */
export interface MeasuredParse<T> {
  /** The parse result, when it returned. */
  readonly result?: T;
  /** What it threw, when it threw. */
  readonly error?: unknown;
  /** Wall time in ms. */
  readonly ms: number;
  /** Heap and ArrayBuffer bytes in use after the parse minus before (the result kept alive). */
  readonly bytes: number;
}

function used(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Runs `parse` once, timing it and measuring the memory it keeps. */
export function measureParse<T>(parse: () => T): MeasuredParse<T> {
  const before = used();
  const t0 = performance.now();
  let result: T | undefined;
  let error: unknown;
  try {
    result = parse();
  } catch (e) {
    error = e;
  }
  const ms = performance.now() - t0;
  const bytes = used() - before;
  return error === undefined ? { result, ms, bytes } : { error, ms, bytes };
}

/** A message naming what went over `budget` for an input of `size` bytes, or null when within it. */
export function overBudget(m: MeasuredParse<unknown>, size: number, budget: FuzzBudget = DEFAULT_FUZZ_BUDGET): string | null {
  if (m.ms > budget.ms) return `took ${m.ms.toFixed(0)} ms (budget ${budget.ms} ms)`;
  const allowed = budget.bytes + budget.perByte * size;
  if (m.bytes > allowed) return `kept ${m.bytes} bytes (budget ${allowed} for ${size} input bytes)`;
  return null;
}
