// The cpu backend's WebAssembly module: matrix products and the unfolding steps of convolutions.
export { gemm, KC, MC, NC } from './gemm';
export { im2col, col2im } from './im2col';
