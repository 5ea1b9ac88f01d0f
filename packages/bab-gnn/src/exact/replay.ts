/**
 * The network evaluated exactly: every weight, bias and input is a float64, hence a dyadic
 * rational, and so is every sum, product and ReLU of them. This is the network "as written" in
 * real arithmetic, the object a verdict is about; a float64 forward pass only approximates it.
 */
import type { ReluNetwork } from '../network/network';
import { dyadicAdd, dyadicFromFloat, dyadicMul, dyadicSign, type Dyadic } from './rational';

interface ExactLayer {
  readonly weights: Dyadic[];
  readonly bias: Dyadic[];
}

const cache = new WeakMap<ReluNetwork, ExactLayer[]>();

function exactLayers(net: ReluNetwork): ExactLayer[] {
  let layers = cache.get(net);
  if (!layers) {
    layers = net.layers.map((l) => ({ weights: Array.from(l.weights, dyadicFromFloat), bias: Array.from(l.bias, dyadicFromFloat) }));
    cache.set(net, layers);
  }
  return layers;
}

/**
 * The exact output of the network at the float64 input x (no rounding anywhere). Numbers grow by
 * about 2·53 bits per layer plus the exponent spread of the weights; fine for the networks a
 * verifier handles, and only used to confirm counterexamples.
 */
export function exactForward(net: ReluNetwork, x: ArrayLike<number>): Dyadic[] {
  if (x.length !== net.inputSize) throw new Error(`exactForward: x has ${x.length} values, expected ${net.inputSize}`);
  const layers = exactLayers(net);
  let h: Dyadic[] = Array.from(x, dyadicFromFloat);
  for (let k = 0; k < layers.length; k++) {
    const { weights, bias } = layers[k];
    const { inSize, outSize } = net.layers[k];
    const z: Dyadic[] = new Array(outSize);
    for (let i = 0; i < outSize; i++) {
      let s = bias[i];
      const row = i * inSize;
      for (let j = 0; j < inSize; j++) {
        if (h[j].m === 0n || weights[row + j].m === 0n) continue;
        s = dyadicAdd(s, dyadicMul(weights[row + j], h[j]));
      }
      z[i] = s;
    }
    h = k === layers.length - 1 ? z : z.map((v) => (dyadicSign(v) > 0 ? v : { m: 0n, e: 0 }));
  }
  return h;
}
