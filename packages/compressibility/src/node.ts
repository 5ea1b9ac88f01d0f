/**
 * Node-only entry point (`@nnlab/compressibility/node`): the deflate payload codec (Node's zlib)
 * and reading and writing compressed-weights files with `node:fs`. Everything else is in the
 * browser-safe main entry, which this one re-exports.
 *
 * @packageDocumentation
 */
export * from './index';
export { deflateCodec } from './node/deflate';
export { allCodecs, readCompressedFile, writeCompressedFile } from './node/files';
