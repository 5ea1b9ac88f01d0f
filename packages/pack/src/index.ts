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
  classesOf,
  layerShapes,
  lenet5Architecture,
  mlpArchitecture,
  parameterCount,
  sampleSize,
  type Architecture,
  type LayerSpec,
} from './model/architecture';
export { fusionKey, resolveConfig, samePaddingKey, type ModelConfig, type OptimizerKind, type ResolvedConfig } from './model/config';
export { maskedPackedCrossEntropy } from './model/masked-loss';
export { packedUpdate, type PackedUpdate } from './model/packed-optimizer';
export { pack, PackedModels, type PackBatch } from './model/pack';
export { checkDataset, epochOrder, gatherInto } from './training/dataset';
export { trainPack, type PaddingMode, type TrainPackOptions, type TrainPackReport } from './training/train-pack';
export { estimateMemory, maxPackSize, type MemoryEstimate, type MemoryOptions } from './planner/memory';
export { planPacks, type PackingPolicy, type PlanOptions } from './planner/policies';
export { configurationDistance } from './planner/distance';
export { bracketSchedule, hyperbandSchedule, integerLog, scheduleTotals, type Bracket, type Rung } from './hyperband/schedule';
export { checkSpace, gridPoint, gridSize, sampleConfigurations, type Configuration, type HyperparameterValue, type SearchSpace } from './hyperband/space';
export { selectSurvivors, type Scored, type Selection } from './hyperband/select';
export { checkScores, inProcessExecutor, type Evaluator, type TrialExecutor, type TrialJob } from './hyperband/executor';
export {
  hyperband,
  successiveHalving,
  type BestTrial,
  type HyperbandOptions,
  type RungRecord,
  type SearchOptions,
  type SearchResult,
  type Trial,
} from './hyperband/search';
export { readLosses, stepBackToBack, type SharedHostBatch } from './model/queue';
export { accuracy, packedEvaluator, singleModelEvaluator, trainSingleModel, type EvaluatorSetup } from './training/evaluators';
export {
  compareQueueReadback,
  compareStepTimes,
  median,
  timeInterleaved,
  timeMedian,
  type TimeMedians,
  type QueueTiming,
  type QueueTimingOptions,
  type StepTimeOptions,
  type StepTimeRow,
} from './timing/step-time';
export { buildPackedModel, PackedNetwork } from './model/packed-network';
