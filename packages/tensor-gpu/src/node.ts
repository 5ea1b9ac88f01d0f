/**
 * Node-only entry point (`@nnlab/tensor-gpu/node`): data-set loaders that read files with
 * `node:fs`, gunzip them and verify sizes and checksums, on top of the browser-safe parsers;
 * `nodeWebGpu`, WebGPU in Node through the optional `webgpu` package (Dawn).
 *
 * @packageDocumentation
 */
export * from './data/node';
export { saveStateDict, loadStateDictFile } from './nn/state-file-node';
export { saveOptimizerStateDict, loadOptimizerStateDictFile } from './optim/state-file-node';
// Also in the main entry; kept here for code that imported it from the Node entry.
export { setNumThreads } from './wasm/set-num-threads';
export { nodeWebGpu } from './webgpu/node-gpu';
export type { NodeWebGpuOptions } from './webgpu/node-gpu';
