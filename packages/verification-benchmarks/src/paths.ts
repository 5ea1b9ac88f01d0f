// Where the benchmark files are: the `data/` folder of this package, one sub-folder per benchmark.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { BENCHMARK_NAMES, type BenchmarkName } from './names';

/** The package's `data/` folder, which holds one folder per benchmark and `SHA256SUMS`. */
export function benchmarksDir(): string {
  // src/ in the tests and dist/node.js once built are both one level below the package root.
  return fileURLToPath(new URL('../data', import.meta.url));
}

/**
 * The folder of one benchmark.
 *
 * @param name - `'acasxu'` (`nnet/ACASXU_run2a_{x}_{y}_batch_2000.nnet`, `vnnlib/prop_{1..10}.vnnlib`)
 * or `'oval-cifar'` (`cifar_base_kw.json`, `cifar_base_kw.weights.bin`, `base_*.csv`).
 * @throws RangeError for any other name.
 */
export function benchmarkDir(name: BenchmarkName): string {
  if (!BENCHMARK_NAMES.includes(name)) throw new RangeError(`benchmarkDir: unknown benchmark '${String(name)}', expected one of ${BENCHMARK_NAMES.join(', ')}`);
  return join(benchmarksDir(), name);
}
