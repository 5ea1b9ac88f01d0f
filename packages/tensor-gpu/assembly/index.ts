// The cpu backend's WebAssembly module: matrix products, the unfolding steps of convolutions,
// direct convolutions, max pooling, the elementwise ops of a training step and the optimizer updates.
export { gemm, gemmSlice, packSliceB, sliceDepth, packBTransposed, KC, MC, NC } from './gemm';
export { padPlanes, tapOffsets, positionOffsets, convDirect, convWeightGrad } from './conv';
export { im2col, col2im } from './im2col';
export { binary, unary } from './elementwise';
export { maxPool, maxPoolGrad } from './pool';
export { sgd, average, momentumStep, adamStep } from './optim';
