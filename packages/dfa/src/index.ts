/**
 * `@nnlab/dfa`: direct feedback alignment (DFA), the BP+DFA hybrid for convolutional networks,
 * binary DFA and the alignment between DFA and back-propagation updates, on `@nnlab/tensor-gpu`.
 *
 * Paper: Han and Yoo, “Efficient Convolutional Neural Network Training with Direct Feedback
 * Alignment”, arXiv 1901.01986; direct feedback alignment itself: Nøkland, NeurIPS 2016 (arXiv
 * 1609.01596).
 *
 * @packageDocumentation
 */
export { splitIntoBlocks, type Block, type BlockKind } from './blocks';
export { createDfa, DfaNetwork, type BatchGradients } from './network';
export type { BoundaryFeed, DfaOptions, LayerRule, ResolvedOptions, RulePreset } from './options';
export { drawFeedback, FEEDBACK_SCHEMES, type DrawnFeedback, type FeedbackScheme, type FeedbackShape } from './feedback/schemes';
export { FeedbackMatrix } from './feedback/matrix';
export { makeSignMatrix, signProject, type SignMatrix } from './feedback/sign-project';
export { planSignProducts, signProductsByTables, signProductsDirect, type SignPlan } from './feedback/sign-tables';
export { measureAlignment, type LayerAlignment } from './alignment';
export { mlpForwardFloat64, mlpLossFloat64, mlpUpdatesFloat64, type Float64Mlp, type Float64Rules, type Float64Updates } from './reference/float64-mlp';
export { fitDfa, type AlignmentRecord, type DfaEpochRecord, type DfaFitHistory, type DfaFitOptions } from './fit';
export { measureProjectionCost, type ProjectionCost, type ProjectionCostOptions } from './projection-cost';
export { SMALL_CIFAR_CNN_PARAMETERS, smallCifarCnn, tanhMlp } from './models';
