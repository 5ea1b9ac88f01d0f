/**
 * `@nnlab/lca`: Loss Change Allocation (LCA) on `@nnlab/tensor-gpu`.
 *
 * For every iteration t and parameter i, `A[t, i] = k_t[i]·(θ_{t+1}[i] − θ_t[i])`, where `k_t`
 * is the gradient of the loss on a whole fixed split averaged along the straight segment from
 * θ_t to θ_{t+1} (first order, Simpson, or adaptive composite Simpson). Σ_i A[t, i] ≈
 * L(θ_{t+1}) − L(θ_t); negative A means the parameter helped. The quadrature is written against
 * a {@link GradientOracle}, so a float64 model and a tensor-gpu module share it; LCA runs online
 * during training ({@link OnlineLca}) or offline from a stored trajectory
 * ({@link allocateTrajectory}), and is aggregated over iterations, tensors, layers and units.
 *
 * Paper: Lan, Liu, Zhou and Yosinski, “LCA: Loss Change Allocation for Neural Network Training”,
 * NeurIPS 2019 (arXiv 1909.01440).
 *
 * @packageDocumentation
 */
export type { ErrorMode, GradientOracle, LossAndGradient, Quadrature } from './types';
export { simpsonWeights, SimpsonSums } from './quadrature/simpson';
export { QUADRATURE_DEFAULTS, resolveQuadratureOptions, type QuadratureOptions, type ResolvedQuadratureOptions } from './quadrature/options';
export { LcaAllocator, oracleEntries, type IterationResult, type Oracles, type SplitIteration } from './quadrature/allocator';
export { createLayout, defaultLayerOf, type LayoutEntry, type ParameterLayout, type TensorSlot, type Unit } from './layout/layout';
export { moduleLayout, readParameters, uploadParameters, type ModuleLayoutOptions, type ModuleParameters } from './layout/module';
export { addWeighted, planChunks, type ChunkPlan } from './oracle/chunks';
export { enterEvaluationMode, type BatchNormMode } from './oracle/modes';
export { moduleOracle, type ModuleOracle, type ModuleOracleOptions } from './oracle/module-oracle';
export { withL2 } from './oracle/l2';
export { batchStepper, type BatchStepper, type BatchStepperOptions } from './train/batch-stepper';
export { LCA_MODELS, lcaModel, type LcaModel, type LcaModelName } from './models';
export { sumAll, sumByLayer, sumByTensor, sumByUnit } from './aggregate/sums';
export { LcaAccumulator, type KeepOptions } from './aggregate/accumulator';
export type { LayerLca, LcaResult, TensorLca, UnitLca } from './aggregate/result';
export {
  conservationError,
  cumulativeError,
  fractionHelping,
  lossReconstruction,
  meanFractionHelping,
  measuredLossChange,
  pieceCounts,
  totalLca,
  type FractionDenominator,
} from './aggregate/derived';
export { findPeaks, peakSynchronization, type PeakOptions, type PeakSynchronization } from './analysis/peaks';
export { LcaRun, type LcaRunOptions } from './run';
export { OnlineLca, type OnlineLcaOptions } from './online';
export { allocateTrajectory, type OfflineLcaOptions } from './offline';
export type { TrajectoryDtype, TrajectorySink, TrajectorySource } from './trajectory/types';
export { MemoryTrajectory } from './trajectory/memory';
export { decodeHeader, encodeHeader, TRAJECTORY_MAGIC, TRAJECTORY_VERSION, type TrajectoryHeader } from './trajectory/format';
