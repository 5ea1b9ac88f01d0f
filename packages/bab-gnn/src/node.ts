/**
 * Node-only part of `@nnlab/bab-gnn`: file readers, the ACAS Xu benchmark loader and ACAS Xu jobs, the OVAL CIFAR benchmark loader.
 *
 * @packageDocumentation
 */
export * from './node/acasxu';
export * from './node/acasxu-instances';
export * from './node/acasxu-job';
export * from './node/oval';
export * from './node/oval-job';
