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
export * from './properties/spec';
export * from './exact/rational';
export * from './exact/replay';
export * from './deadline';
export * from './bounds/types';
export * from './bounds/float-safety';
export * from './bounds/ibp';
export * from './bounds/batched-ibp';
export * from './bounds/batched-forward';
export * from './bounds/batched-backward';
export * from './bounds/batched-intermediate';
export * from './bounds/crown';
export * from './bounds/alpha';
export * from './network/gradient';
export * from './properties/counterexample';
export * from './properties/attack';
export * from './properties/sample-attack';
export * from './bab/bound-domain';
export * from './bab/verify';
export * from './bab/input-split';
export * from './bab/input-branching';
export * from './bab/leaf-lp';
export * from './bab/box-lp';
export * from './bab/conjunction-bound';
export * from './bab/relaxation-branching';
export * from './bab/alpha-refine';
export * from './branching/rule';
export * from './branching/babsr';
export * from './branching/strong';
export * from './bounds/forward';
export * from './network/from-module';
export * from './properties/robustness';
export * from './properties/epsilon-search';
export * from './bab/compare';
export * from './gnn/features';
export * from './gnn/model';
export * from './gnn/weights';
export * from './gnn/rule';
export * from './gnn/train';
export * from './gnn/sample-codec';
export * from './gnn/pretrained';
export * from './gnn/pretrained-model';
export * from './network/conv';
export * from './parse/oval-model';
export * from './parse/oval-properties';
export * from './properties/oval-spec';
export * from './bab/oval-run';
export * from './bab/oval-summary';
export * from './bounds/alpha-batched';
export * from './bounds/prior-bounds';
