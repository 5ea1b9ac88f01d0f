/** The benchmarks this package ships, by the name of their folder. */
export type BenchmarkName = 'acasxu' | 'oval-cifar';

/** Every benchmark this package ships. */
export const BENCHMARK_NAMES: readonly BenchmarkName[] = ['acasxu', 'oval-cifar'];
