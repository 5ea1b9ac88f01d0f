/**
 * `@nnlab/verification-benchmarks`: neural network verification benchmarks as plain files, with
 * their checksums and licences. The ACAS Xu networks (CC BY 4.0) with the ten VNN-LIB properties,
 * and the OVAL CIFAR-10 base network with its property tables (MIT). Node only.
 *
 * @packageDocumentation
 */
export { BENCHMARK_NAMES, benchmarkDir, benchmarksDir, type BenchmarkName } from './paths';
export { CHECKSUM_FILE, benchmarkChecksums, parseSha256Sums } from './checksums';
export { readBenchmarkFile } from './read';
