// Test helper: seeded random convolutional ReLU networks, and their dense twins. The dense matrix
// of a convolution is built here only, straight from the definition of a zero-padded strided
// convolution (not from the library's taps), as the independent float64 oracle.
import { createConv2dLayer, type Conv2dLayer } from '../network/conv';
import { validateNetwork, type DenseLayer, type DenseNetwork, type ReluNetwork } from '../network/network';
import { data } from '@nnlab/tensor-gpu';

/** One conv layer of {@link randomConvNetwork}: out channels, kernel, stride, padding. */
export interface ConvSpec { outChannels: number; kernel: number; stride: number; padding: number }

/**
 * Random network: convolutions on `inShape` (each followed by a ReLU), then dense layers of the
 * given sizes (a ReLU between them, none after the last).
 */
export function randomConvNetwork(inShape: [number, number, number], convs: readonly ConvSpec[], dense: readonly number[], seed: number, biasScale = 0.3): ReluNetwork {
  const u = data.createRng(seed);
  const layers: (Conv2dLayer | DenseLayer)[] = [];
  let shape = inShape;
  for (const c of convs) {
    const fanIn = shape[0] * c.kernel * c.kernel;
    const kernel = Array.from({ length: c.outChannels * fanIn }, () => data.randomNormal(u) / Math.sqrt(fanIn));
    const bias = Array.from({ length: c.outChannels }, () => data.randomNormal(u) * biasScale);
    const layer = createConv2dLayer({ inShape: shape, kernel, kernelShape: [c.outChannels, shape[0], c.kernel, c.kernel], bias, stride: [c.stride, c.stride], padding: [c.padding, c.padding] });
    layers.push(layer);
    shape = [...layer.outShape];
  }
  let prev = shape[0] * shape[1] * shape[2];
  for (const n of dense) {
    const weights = Float64Array.from({ length: n * prev }, () => data.randomNormal(u) / Math.sqrt(prev));
    const bias = Float64Array.from({ length: n }, () => data.randomNormal(u) * biasScale);
    layers.push({ inSize: prev, outSize: n, weights, bias });
    prev = n;
  }
  return validateNetwork({ inputSize: inShape[0] * inShape[1] * inShape[2], outputSize: prev, layers });
}

/** The dense matrix of a convolution, from its definition: out[o,y,x] = Σ k[o,c,dy,dx]·in[c, y·s − p + dy, x·s − p + dx]. */
export function denseOfConv(l: Conv2dLayer): DenseLayer {
  const [c, h, w] = l.inShape;
  const [oc, oh, ow] = l.outShape;
  const [kh, kw] = l.kernelSize;
  const weights = new Float64Array(l.outSize * l.inSize);
  for (let o = 0; o < oc; o++) for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) {
    const row = ((o * oh + y) * ow + x) * l.inSize;
    for (let ci = 0; ci < c; ci++) for (let dy = 0; dy < kh; dy++) for (let dx = 0; dx < kw; dx++) {
      const iy = y * l.stride[0] - l.padding[0] + dy;
      const ix = x * l.stride[1] - l.padding[1] + dx;
      if (iy >= 0 && iy < h && ix >= 0 && ix < w) weights[row + (ci * h + iy) * w + ix] = l.kernel[((o * c + ci) * kh + dy) * kw + dx];
    }
  }
  return { inSize: l.inSize, outSize: l.outSize, weights, bias: Float64Array.from(l.bias) };
}

/** The same network with every convolution replaced by its dense matrix. */
export function denseTwin(net: ReluNetwork): DenseNetwork {
  return { inputSize: net.inputSize, outputSize: net.outputSize, layers: net.layers.map((l) => (l.kind === 'conv2d' ? denseOfConv(l) : l)) };
}
