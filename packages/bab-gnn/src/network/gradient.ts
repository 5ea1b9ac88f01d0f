/** Float64 input gradient of a linear function of the network output (for the PGD attack). */
import { addTransposed, forwardTrace, type ReluNetwork } from './network';

/** Value `c·f(x)` and its gradient with respect to x (ReLU derivative taken as 0 at 0). */
export function outputGradient(net: ReluNetwork, x: ArrayLike<number>, c: ArrayLike<number>): { output: Float64Array; value: number; gradient: Float64Array } {
  const { preActivations, output } = forwardTrace(net, x);
  let value = 0;
  for (let i = 0; i < output.length; i++) value += c[i] * output[i];
  let g = Float64Array.from(c);
  for (let k = net.layers.length - 1; k >= 0; k--) {
    const layer = net.layers[k];
    const next = new Float64Array(layer.inSize);
    addTransposed(layer, g, next);
    if (k > 0) {
      const z = preActivations[k - 1];
      for (let j = 0; j < next.length; j++) if (!(z[j] > 0)) next[j] = 0;
    }
    g = next;
  }
  return { output, value, gradient: g };
}
