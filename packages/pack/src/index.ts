/**
 * `@nnlab/pack`: packed multi-model training, on `@nnlab/tensor-gpu`.
 *
 * **Not implemented yet.** This version of the package contains no part of the technique; it
 * exports only {@link status}. The implementation will follow the project's specification summary
 * of the technique, restated in short in the "Packed training and pack-aware Hyperband" guide of
 * the documentation site.
 *
 * Paper: Liu, Krishnan, Elmore and Franklin, “Understanding and Optimizing Packed Neural Network
 * Training for Hyper-Parameter Tuning”, arXiv 2002.02885 (SIGMOD DEEM 2021).
 *
 * @packageDocumentation
 */

/**
 * How far the implementation of this package has come.
 *
 * `'planned'`: the technique is specified but not implemented; the package has no other exports.
 * The value changes in the release that adds a working implementation.
 */
export const status = 'planned' as const;
