/**
 * Node-only part of `@nnlab/bab-gnn`: file readers and the ACAS Xu benchmark loader.
 *
 * @packageDocumentation
 */
export * from './node/acasxu';
export * from './node/acasxu-instances';
export * from './node/oval';
