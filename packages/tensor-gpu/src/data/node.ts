// Node-only data-set loaders (fs, zlib, crypto), on top of the browser-safe ./index.ts.
export * from './index';
export { md5Hex, sha256Hex, verifyKnownFile } from './checksums-node';
export { GUNZIP_MAX_BYTES, findDataFile, gunzipIfNeeded, hasDataFile, idxHeaderFirst, readDataFile, readIdxFile, requireDirectory, type GunzipOptions } from './files-node';
export { CIFAR10_SPRITE_PACKAGE, isCifar10SpriteDir, readCifar10SpriteBatch } from './cifar-sprites-node';
export { DataSetNotFoundError, SHARED_DATA_ENV, installedPackageDir, locateDataSet, type DataLocation, type DataSetSource } from './locate-node';
export { decodePng, readPngHeader, type PngHeader } from './png-node';
export {
  CIFAR10_SOURCE,
  MNIST_SOURCE,
  loadCifar10,
  loadFashionMnist,
  loadMnist,
  locateCifar10,
  mnistDataDir,
  type Cifar10LoadOptions,
  type Cifar10Location,
  type LoadOptions,
  type MnistLoadOptions,
} from './datasets-node';
