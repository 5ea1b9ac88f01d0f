/**
 * `@nnlab/bab-gnn`: branch and bound verification with a learned branching rule, on `@nnlab/tensor-gpu`.
 *
 * **Not implemented yet.** This version of the package contains no part of the technique; it
 * exports only {@link status}. The implementation will follow the project's specification summary
 * of the technique, restated in short in the "Branch and bound verification with a GNN branching
 * rule" guide of the documentation site.
 *
 * Paper: Lu and Kumar, “Neural Network Branching for Neural Network Verification”, ICLR 2020 (arXiv
 * 1912.01329).
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
