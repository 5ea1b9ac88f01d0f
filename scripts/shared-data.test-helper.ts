// Test helper shared by the packages' tests (not part of any library): locates ../shared/data and
// decides whether a real-data test runs, skips (outside CI only) or fails (CI=true and data missing).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** True when running under CI (`CI=true`): missing shared data is then a failure. */
export const inCI = process.env.CI === 'true';

/**
 * The repository root: the nearest directory above `start` holding `pnpm-workspace.yaml`.
 *
 * @param start - where to start walking up; default this file's directory.
 */
export function repoRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml above ${start}`);
  }
}

/** The shared data directory: `$NNLAB_SHARED_DATA`, else `<repo root>/../shared/data`. */
export function sharedDataDir(): string {
  const env = process.env.NNLAB_SHARED_DATA;
  return env ? resolve(env) : join(repoRoot(), '..', 'shared', 'data');
}

/** Where one shared data set is and whether its tests run. */
export interface SharedData {
  /** The data set's directory. */
  dir: string;
  /** Whether every required file is there. */
  present: boolean;
  /** Whether tests needing it should be skipped: missing and not in CI. */
  skip: boolean;
  /** Why it is missing, or '' when present. */
  reason: string;
}

/**
 * Locates a shared data set and logs why its tests will skip or fail when it is missing.
 *
 * @param sub - sub-directory of the shared data directory, e.g. `'mnist'`.
 * @param files - files that must be in it.
 */
export function sharedData(sub: string, files: readonly string[]): SharedData {
  const dir = join(sharedDataDir(), sub);
  const missing = files.filter((f) => !existsSync(join(dir, f)));
  const present = missing.length === 0;
  const reason = present ? '' : `shared data missing: ${missing.map((f) => join(dir, f)).join(', ')}`;
  if (!present) {
    console.warn(
      inCI
        ? `[data tests] ${reason}; CI=true, so the tests needing it FAIL (set NNLAB_SHARED_DATA to its location)`
        : `[data tests] skipping tests needing ${sub}: ${reason} (set NNLAB_SHARED_DATA to its location)`,
    );
  }
  return { dir, present, skip: !present && !inCI, reason };
}

/** Throws (failing the test) when the data set is missing; for CI, where tests do not skip. */
export function requirePresent(data: SharedData): void {
  if (!data.present) throw new Error(`${data.reason} (required when CI=true)`);
}
