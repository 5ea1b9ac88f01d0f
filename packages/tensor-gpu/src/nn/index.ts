// Neural-network modules, initialisers, model builders and state dicts (browser-safe).
// Node-only file I/O of state dicts: ./state-file-node.ts (exported from the package's `node` entry).
export { Module } from './module';
export { Parameter, type ParameterRole } from './parameter';
export { StateBuffer } from './buffer';
export { deriveSeed } from './seed';
export { SeedSequence } from './seed-sequence';
export {
  defaultBiasInit,
  defaultWeightInit,
  fansOf,
  type Fans,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  kaimingUniform,
  zeros,
  type InitArgs,
  type InitOptions,
  type Initializer,
} from './init';
export { Linear, type LinearOptions } from './linear';
export { Conv2d, type Conv2dLayerOptions } from './conv2d';
export { AvgPool2d, GlobalAvgPool2d, MaxPool2d, type PoolLayerOptions } from './pooling';
export { Flatten } from './flatten';
export { ReLU, Sigmoid, Tanh } from './activations';
export { Dropout, type DropoutOptions } from './dropout';
export { BatchNorm, BatchNorm1d, BatchNorm2d, type BatchNormOptions } from './batchnorm';
export { Residual, Sequential } from './containers';
export { subsample2d, ZeroPadShortcut } from './shortcut';
export { countParameters } from './count';
export {
  CIFAR_CNN_PARAMETERS,
  cifarCnn,
  LENET5_PARAMETERS,
  LENET_300_100_PARAMETERS,
  lenet300100,
  lenet5,
  MNIST_FC_PARAMETERS,
  mnistFc,
  type ModelOptions,
} from './models';
export { BasicBlock, RESNET20_B_PARAMETERS, RESNET20_PARAMETERS, resnet20, type ResNet20Options } from './resnet';
export { loadStateDict, stateDict, type StateDict, type StateEntry } from './state';
export {
  decodeStateDict,
  encodeStateDict,
  STATE_FILE_MAGIC,
  STATE_FILE_VERSION,
  StateFileError,
  type StateFileTensor,
} from './state-format';
export { FoldModels, PackedConv2d, PackedLinear, packModels, unpackModels, type PackedInitOptions } from './packed';
