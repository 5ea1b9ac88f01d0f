/**
 * `@nnlab/verification-benchmarks`: neural network verification benchmarks as plain files, with
 * their checksums and licences. The ACAS Xu networks (CC BY 4.0) with the ten VNN-LIB properties,
 * and the OVAL CIFAR-10 base network with its property tables (MIT). This entry is safe in a
 * browser (names and the checksum format); `@nnlab/verification-benchmarks/node` finds and reads
 * the installed files.
 *
 * @packageDocumentation
 */
export { BENCHMARK_NAMES, type BenchmarkName } from './names';
export { CHECKSUM_FILE, parseSha256Sums } from './sha256sums';
