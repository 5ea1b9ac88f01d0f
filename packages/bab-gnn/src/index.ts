/**
 * `@nnlab/bab-gnn`: complete verification of ReLU networks by branch and bound (Lu and Kumar,
 * “Neural Network Branching for Neural Network Verification”, ICLR 2020, arXiv 1912.01329):
 * `.nnet` and VNN-LIB parsers, sound float64 bounds (IBP, CROWN, α-CROWN), best-first branch and
 * bound with input and ReLU splitting, and the BaBSR and strong-branching rules.
 *
 * @packageDocumentation
 */
export * from './network/network';
export * from './parse/nnet';
export * from './parse/vnnlib';
export * from './spec/spec';
export * from './bounds/types';
export * from './bounds/float-safety';
export * from './bounds/ibp';
export * from './bounds/crown';
export * from './bounds/alpha';
