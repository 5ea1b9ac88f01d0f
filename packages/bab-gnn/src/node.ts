/**
 * Node-only part of `@nnlab/bab-gnn`: file readers, the ACAS Xu benchmark loader and ACAS Xu jobs.
 *
 * @packageDocumentation
 */
export * from './node/acasxu';
export * from './node/acasxu-instances';
export * from './node/acasxu-job';
