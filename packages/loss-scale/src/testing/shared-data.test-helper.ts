// Test helper (not part of the library): whether a test needing ../shared/data runs, skips
// (outside CI only, saying why) or fails (CI=true and the data missing).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** True under CI (`CI=true`), where missing shared data is a failure. */
export const inCI = process.env.CI === 'true';

function repoRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml above ${start}`);
  }
}

/** Where a shared data set is and whether its tests run. */
export interface SharedData {
  /** Whether every required file is there. */
  present: boolean;
  /** Skip: missing and not in CI. */
  skip: boolean;
  /** Why it is missing ('' when present). */
  reason: string;
}

/** Locates `files` under `<shared data>/<sub>` (`$NNLAB_SHARED_DATA` or `<repo>/../shared/data`) and logs a skip or failure. */
export function sharedData(sub: string, files: readonly string[]): SharedData {
  const base = process.env.NNLAB_SHARED_DATA ? resolve(process.env.NNLAB_SHARED_DATA) : join(repoRoot(), '..', 'shared', 'data');
  const dir = join(base, sub);
  const missing = files.filter((f) => !existsSync(join(dir, f)));
  const present = missing.length === 0;
  const reason = present ? '' : `shared data missing: ${missing.map((f) => join(dir, f)).join(', ')}`;
  if (!present) console.warn(inCI ? `[data tests] ${reason}; CI=true, so the tests needing it FAIL` : `[data tests] skipping tests needing ${sub}: ${reason}`);
  return { present, skip: !present && !inCI, reason };
}

/** Throws when the data set is missing (for CI, where tests do not skip). */
export function requirePresent(data: SharedData): void {
  if (!data.present) throw new Error(`${data.reason} (required when CI=true)`);
}
