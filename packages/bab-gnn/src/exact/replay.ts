/**
 * The network evaluated exactly: every weight, bias and input is a float64, hence a dyadic
 * rational, and so is every sum, product and ReLU of them. This is the network "as written" in
 * real arithmetic, the object a verdict is about; a float64 forward pass only approximates it.
 */
import { isConv, type ReluNetwork } from '../network/network';
import { dyadicAdd, dyadicFromFloat, dyadicMul, dyadicSign, type Dyadic } from './rational';

/** Output neuron i reads `inputs[t]` with `weights[t]` for t in `offsets[i] .. offsets[i + 1] − 1`. */
interface ExactLayer {
  readonly offsets: Int32Array;
  readonly inputs: Int32Array;
  readonly weights: Dyadic[];
  readonly bias: Dyadic[];
}

const cache = new WeakMap<ReluNetwork, ExactLayer[]>();

function exactLayers(net: ReluNetwork): ExactLayer[] {
  let layers = cache.get(net);
  if (!layers) {
    // Dense rows as compressed rows over all inputs; convolutions keep their taps.
    layers = net.layers.map((l) => {
      const bias = Array.from(l.bias, dyadicFromFloat);
      if (isConv(l)) return { offsets: l.taps.offsets, inputs: l.taps.inputs, weights: Array.from(l.taps.weights, dyadicFromFloat), bias };
      const offsets = Int32Array.from({ length: l.outSize + 1 }, (_, i) => i * l.inSize);
      const inputs = Int32Array.from({ length: l.outSize * l.inSize }, (_, q) => q % l.inSize);
      return { offsets, inputs, weights: Array.from(l.weights, dyadicFromFloat), bias };
    });
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
    const { offsets, inputs, weights, bias } = layers[k];
    const { outSize } = net.layers[k];
    const z: Dyadic[] = new Array(outSize);
    for (let i = 0; i < outSize; i++) {
      let s = bias[i];
      for (let t = offsets[i]; t < offsets[i + 1]; t++) {
        const x = h[inputs[t]];
        if (x.m === 0n || weights[t].m === 0n) continue;
        s = dyadicAdd(s, dyadicMul(weights[t], x));
      }
      z[i] = s;
    }
    h = k === layers.length - 1 ? z : z.map((v) => (dyadicSign(v) > 0 ? v : { m: 0n, e: 0 }));
  }
  return h;
}
