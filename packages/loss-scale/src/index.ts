/**
 * `@nnlab/loss-scale`: loss scaling for mixed-precision training, on `@nnlab/tensor-gpu`.
 *
 * **Not implemented yet.** This version of the package contains no part of the technique; it
 * exports only {@link status}. The implementation will follow the project's specification summary
 * of the technique, restated in short in the "Loss scaling for mixed-precision training" guide of
 * the documentation site.
 *
 * Paper: Zhao, Vogel and Ahmed, “Adaptive Loss Scaling for Mixed Precision Training”, arXiv
 * 1910.12385; published as “Reducing Underflow in Mixed Precision Training by Gradient Scaling”,
 * IJCAI 2020.
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
