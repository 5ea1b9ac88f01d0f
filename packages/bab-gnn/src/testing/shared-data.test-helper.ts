// Test helper (not part of the library): locates ../shared/data and decides whether a real-data
// test runs, skips (outside CI only) or fails (CI=true and data missing).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const inCI = process.env.CI === 'true';

function repoRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml above ${start}`);
  }
}

/** Where the ACAS Xu data is, and whether its tests run, skip (outside CI) or fail (in CI). */
export function acasXuData(): { dir: string; present: boolean; skip: boolean; reason: string } {
  const env = process.env.NNLAB_SHARED_DATA;
  const dir = join(env ? resolve(env) : join(repoRoot(), '..', 'shared', 'data'), 'acasxu');
  const present = existsSync(join(dir, 'nnet', 'ACASXU_run2a_1_1_batch_2000.nnet')) && existsSync(join(dir, 'vnnlib', 'prop_1.vnnlib'));
  const reason = present ? '' : `shared data missing: ${dir}`;
  if (!present) {
    console.warn(inCI ? `[data tests] ${reason}; CI=true, so the tests needing it FAIL` : `[data tests] skipping ACAS Xu tests: ${reason} (set NNLAB_SHARED_DATA)`);
  }
  return { dir, present, skip: !present && !inCI, reason };
}

/** Throws when the data is missing (for CI, where the tests do not skip). */
export function requirePresent(data: { present: boolean; reason: string }): void {
  if (!data.present) throw new Error(`${data.reason} (required when CI=true)`);
}
