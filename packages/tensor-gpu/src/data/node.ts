// Node-only data-set loaders (fs, zlib, crypto), on top of the browser-safe ./index.ts.
export * from './index';
export { md5Hex, sha256Hex, verifyKnownFile } from './checksums-node';
export { findDataFile, gunzipIfNeeded, hasDataFile, readDataFile, readIdxFile, requireDirectory } from './files-node';
export {
  loadCifar10,
  loadFashionMnist,
  loadMnist,
  mnistDataDir,
  type Cifar10LoadOptions,
  type LoadOptions,
  type MnistLoadOptions,
} from './datasets-node';
