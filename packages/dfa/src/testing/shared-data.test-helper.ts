// Test helper (not part of the library): locates ../shared/data and decides whether a real-data
// test runs, skips (outside CI only) or fails (CI=true and data missing). Same logic as
// tensor-gpu's data test helper.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** True when running under CI (`CI=true`): missing shared data is then a failure. */
export const inCI = process.env.CI === 'true';

function repoRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml above ${start}`);
  }
}

/** Where one shared data set is and whether its tests run. */
export interface SharedData {
  dir: string;
  present: boolean;
  skip: boolean;
}

/** Locates `<shared data>/<sub>` (`$NNLAB_SHARED_DATA` or `<repo>/../shared/data`) and logs why its tests skip or fail. */
export function sharedData(sub: string, files: readonly string[]): SharedData {
  const env = process.env.NNLAB_SHARED_DATA;
  const dir = join(env ? resolve(env) : join(repoRoot(), '..', 'shared', 'data'), sub);
  const missing = files.filter((f) => !existsSync(join(dir, f)));
  const present = missing.length === 0;
  if (!present) {
    const reason = `shared data missing: ${missing.map((f) => join(dir, f)).join(', ')}`;
    console.warn(inCI ? `[data tests] ${reason}; CI=true, so the tests needing it FAIL` : `[data tests] skipping tests needing ${sub}: ${reason}`);
  }
  return { dir, present, skip: !present && !inCI };
}

/** The MNIST IDX files. */
export const MNIST_FILE_NAMES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'] as const;
