// The cpu backend's WebAssembly module: matrix products, the folding step of convolutions,
// direct convolutions, max pooling, the elementwise ops of a training step and the optimizer updates.
export { gemm, gemmSlice, packSliceB, sliceDepth, packBTransposed, KC, MC, NC } from './gemm';
export { padPlanes, tapOffsets, positionOffsets, convDirect, convWeightGrad } from './conv';
export { col2im } from './col2im';
export { binary, unary } from './elementwise';
export { maxPool, maxPoolGrad } from './pool';
export { sgd, average, momentumStep, adamStep } from './optim';
