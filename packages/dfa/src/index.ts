/**
 * `@nnlab/dfa`: direct feedback alignment (DFA), on `@nnlab/tensor-gpu`.
 *
 * **Not implemented yet.** This version of the package contains no part of the technique; it
 * exports only {@link status}. The implementation will follow the project's specification summary
 * of the technique, restated in short in the "Direct feedback alignment" guide of the documentation
 * site.
 *
 * Paper: Han and Yoo, “Efficient Convolutional Neural Network Training with Direct Feedback
 * Alignment”, arXiv 1901.01986; direct feedback alignment itself: Nøkland, NeurIPS 2016 (arXiv
 * 1609.01596).
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
