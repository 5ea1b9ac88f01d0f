// The cpu backend's WebAssembly module: matrix products, direct convolutions and the folding step
// of the others, max pooling, the elementwise ops of a training step (exp, log, tanh, sigmoid
// included), binary16 rounding, the optimizer updates and the reductions (sum, mean, max, min, argmax, argmin).
export { gemm, gemmSlice, packSliceB, sliceDepth, packBTransposed, KC, MC, NC } from './gemm';
export { padPlanes, tapOffsets, positionOffsets, convDirect, convWeightGrad } from './conv';
export { col2im } from './col2im';
export { binary, unary } from './elementwise';
export { maxPool, maxPoolGrad } from './pool';
export { sgd, average, momentumStep, adamStep } from './optim';
export { transcendental } from './transcendental';
export { roundFloat16 } from './fp16';
export { softmax } from './softmax';
export { reduce } from './reduce';
