/**
 * `nnlab verify --net FILE --spec FILE`: one user instance, scriptable as VNN-COMP verifiers are.
 * Every phase (reading, parsing, expanding, attack, bounding) counts against `--timeout`; the
 * verdict goes to `--result FILE` in VNN-COMP's words (`unsat`, `sat` with the counterexample,
 * `timeout`, `unknown`) and into the exit code.
 */
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DeadlineError, isDecimal, parseNnet, parseVnnlib, verify, type Counterexample, type VerifyResult, type VerifyStatus } from '@nnlab/bab-gnn';

/** Exit code of `nnlab verify --net --spec` per verdict (errors: 1, command-line mistakes: 2). */
export const VERDICT_EXIT_CODES: Readonly<Record<VerifyStatus, number>> = { holds: 0, violated: 3, timeout: 4, unknown: 5 };

/** VNN-COMP's word for each verdict (the property file describes the unsafe set: holds = unsat). */
export const VNNCOMP_RESULT: Readonly<Record<VerifyStatus, string>> = { holds: 'unsat', violated: 'sat', timeout: 'timeout', unknown: 'unknown' };

/** A decimal number of seconds > 0 (no hexadecimal, binary or `Infinity`). */
export function parseSeconds(raw: string): number {
  const v = isDecimal(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`expected a decimal number of seconds > 0, got '${raw}'`);
  return v;
}

/** An existing regular file to read (absolute path); the error names the path and what it is instead. */
export function parseInputFile(raw: string): string {
  const path = resolve(raw);
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (e) {
    throw new Error(`cannot read '${raw}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (!isFile) throw new Error(`'${raw}' is a directory or a special file, expected a regular file`);
  return path;
}

/** A file the result can be written to (absolute path), checked by opening it for writing now. */
export function parseResultFile(raw: string): string {
  const path = resolve(raw);
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new Error('it is a directory');
    closeSync(openSync(path, 'w'));
  } catch (e) {
    throw new Error(`cannot write the result to '${raw}': ${(e as Error).message}`);
  }
  return path;
}

/** The result file's text: the verdict, and for `sat` the counterexample in VNN-COMP's format. */
export function formatVnncompResult(status: VerifyStatus, cex: Counterexample | null): string {
  if (status !== 'violated' || !cex) return `${VNNCOMP_RESULT[status]}\n`;
  // Shortest round-trip decimals: the inputs are exactly the float64 values that were verified.
  const entries = [...Array.from(cex.input, (v, i) => `(X_${i} ${String(v)})`), ...Array.from(cex.output, (v, i) => `(Y_${i} ${String(v)})`)];
  return `sat\n(${entries.join('\n ')})\n`;
}

/** Reads and verifies one instance within `timeout` seconds, counted from the call. */
export async function verifyInstance(netPath: string, specPath: string, timeout: number): Promise<VerifyResult> {
  const start = performance.now();
  const deadline = start + timeout * 1000;
  const timedOut = (): VerifyResult => ({
    status: 'timeout',
    counterexample: null,
    stats: { branches: 0, boundCalls: 0, batches: 0, maxQueue: 0, timeMs: performance.now() - start, attackMs: 0, unresolved: 0, leavesDecided: 0, refutedByParent: 0, refineTried: 0, refineRefuted: 0 },
  });
  try {
    const model = parseNnet(readFileSync(netPath, 'utf8'), netPath);
    const spec = parseVnnlib(readFileSync(specPath, 'utf8'), specPath, { deadline });
    const left = (deadline - performance.now()) / 1000;
    if (left <= 0) return timedOut();
    const r = await verify(model.network, spec, { timeout: left });
    r.stats.timeMs = performance.now() - start;
    return r;
  } catch (e) {
    if (e instanceof DeadlineError) return timedOut();
    throw e;
  }
}
