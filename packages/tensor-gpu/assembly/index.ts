// The cpu backend's WebAssembly module: matrix products, the unfolding steps of convolutions,
// max pooling, the elementwise ops of a training step (exp, log, tanh, sigmoid included), binary16
// rounding and the optimizer updates.
export { gemm, KC, MC, NC } from './gemm';
export { im2col, col2im } from './im2col';
export { binary, unary } from './elementwise';
export { maxPool, maxPoolGrad } from './pool';
export { sgd, average, momentumStep, adamStep } from './optim';
export { transcendental } from './transcendental';
export { roundFloat16 } from './fp16';
export { softmax } from './softmax';
