/**
 * `@nnlab/pack`: packed multi-model training on `@nnlab/tensor-gpu`.
 *
 * K models of one architecture with different hyperparameters train together: their parameters
 * are stacked on a leading model axis and every step is one packed forward, backward and optimiser
 * update ({@link pack}, {@link trainPack}). A planner estimates memory per model and groups configs
 * into packs under a budget; Hyperband and successive halving run plain or pack-aware, with a
 * pluggable evaluator and trial executor.
 *
 * Paper: Liu, Krishnan, Elmore and Franklin, “Understanding and Optimizing Packed Neural Network
 * Training for Hyper-Parameter Tuning”, arXiv 2002.02885 (SIGMOD DEEM 2021).
 *
 * @packageDocumentation
 */
export {
  buildModel,
  buildPackedModel,
  classesOf,
  layerShapes,
  lenet5Architecture,
  mlpArchitecture,
  parameterCount,
  sampleSize,
  type Architecture,
  type LayerSpec,
} from './model/architecture';
export { fusionKey, resolveConfig, type ModelConfig, type OptimizerKind, type ResolvedConfig } from './model/config';
export { maskedPackedCrossEntropy } from './model/masked-loss';
export { packedUpdate, type PackedUpdate } from './model/packed-optimizer';
export { pack, PackedModels, type PackBatch } from './model/pack';
export { checkDataset, epochOrder, gatherInto, type Dataset } from './training/dataset';
export { trainPack, type PaddingMode, type TrainPackOptions, type TrainPackReport } from './training/train-pack';
