/**
 * Node-only entry point (`@nnlab/verification-benchmarks/node`): where the installed benchmark
 * files are, their checksum list, and checked reads, on top of the browser-safe main entry.
 *
 * @packageDocumentation
 */
export * from './index';
export { benchmarkDir, benchmarksDir } from './paths';
export { benchmarkChecksums } from './checksums';
export { readBenchmarkFile } from './read';
