/**
 * Node-only entry point (`@nnlab/lca/node`): trajectory files on disk (`node:fs`). Everything else
 * is in the browser-safe main entry, which this one re-exports.
 *
 * @packageDocumentation
 */
export * from './index';
export { TrajectoryFileReader, TrajectoryFileWriter, type TrajectoryFileOptions } from './node/trajectory-file';
