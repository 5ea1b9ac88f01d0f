// The commit a benchmark row was measured on, marked when bab-gnn's sources differ from it (a
// resumed results file may hold rows of several commits).
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

/** Short commit hash, `+changes` when `src/` has uncommitted edits, `unknown` outside git. */
export function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: BENCH_DIR, encoding: 'utf8' }).trim() + (execFileSync('git', ['status', '--porcelain', '--', '../src'], { cwd: BENCH_DIR, encoding: 'utf8' }).trim() ? '+changes' : '');
  } catch {
    return 'unknown';
  }
}
