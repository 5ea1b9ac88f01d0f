/**
 * `@nnlab/compressibility`: the compressibility loss, on `@nnlab/tensor-gpu`.
 *
 * **Not implemented yet.** This version of the package contains no part of the technique; it
 * exports only {@link status}. The implementation will follow the project's specification summary
 * of the technique, restated in short in the "Compressibility loss" guide of the documentation
 * site.
 *
 * Paper: Aytekin, Cricri and Aksu, “Compressibility Loss for Neural Network Weights”, arXiv
 * 1905.01044.
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
