// Test helper (not part of the library): locates ../shared/data and decides whether a real-data
// test runs, skips (outside CI only) or fails (CI=true and data missing).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** True under CI, where missing shared data fails the tests instead of skipping them. */
export const inCI = process.env.CI === 'true';

function repoRoot(start = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml above ${start}`);
  }
}

/** The MNIST directory of the shared data (`$NNLAB_SHARED_DATA/mnist`, else `<repo>/../shared/data/mnist`) and whether its tests run. */
export function sharedMnist(): { dir: string; present: boolean; skip: boolean; reason: string } {
  const root = process.env.NNLAB_SHARED_DATA ? resolve(process.env.NNLAB_SHARED_DATA) : join(repoRoot(), '..', 'shared', 'data');
  const dir = join(root, 'mnist');
  const files = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
  const missing = files.filter((f) => !existsSync(join(dir, f)));
  const present = missing.length === 0;
  const reason = present ? '' : `shared data missing: ${missing.map((f) => join(dir, f)).join(', ')}`;
  if (!present) console.warn(inCI ? `[data tests] ${reason}; CI=true, so the MNIST tests FAIL` : `[data tests] skipping MNIST tests: ${reason} (set NNLAB_SHARED_DATA)`);
  return { dir, present, skip: !present && !inCI, reason };
}
