/**
 * A ReLU network in float64: affine layers (dense or convolutional) with a ReLU after every layer
 * except the last. Every verifier in this package works on this one form; `.nnet` files, OVAL
 * networks and tensor-gpu modules (Linear, Conv2d, ReLU, Flatten) are converted into it. Values
 * between layers are flat vectors (`[C, H, W]` row-major for images), so flatten is the identity.
 */
import { conv2dForward, conv2dTransposeAdd, type Conv2dLayer } from './conv';

export type { Conv2dLayer } from './conv';

/** One affine layer `z = W·h + b`, weights row-major `[outSize, inSize]` (PyTorch layout). */
export interface DenseLayer {
  /** Absent or `'dense'` (discriminates dense layers from convolutions). */
  readonly kind?: 'dense';
  /** Inputs of the layer. */
  readonly inSize: number;
  /** Outputs of the layer. */
  readonly outSize: number;
  /** Weights, row-major `[outSize, inSize]`: row i holds the weights into output i. */
  readonly weights: Float64Array;
  /** Biases `[outSize]`. */
  readonly bias: Float64Array;
}

/** One affine layer of a network: dense, or a convolution kept as one. */
export type AffineLayer = DenseLayer | Conv2dLayer;

/** Whether the layer is a convolution. */
export function isConv(layer: AffineLayer): layer is Conv2dLayer {
  return layer.kind === 'conv2d';
}

/** Whether any layer of the network is a convolution (the dense-only code paths refuse those). */
export function hasConvolution(net: ReluNetwork): boolean {
  return net.layers.some(isConv);
}

/** A ReLU network: `layers[0]` reads the input; a ReLU follows every layer but the last. */
export interface ReluNetwork<L extends AffineLayer = AffineLayer> {
  /** Input dimension. */
  readonly inputSize: number;
  /** Output dimension. */
  readonly outputSize: number;
  /** The affine layers, input to output (at least one). */
  readonly layers: readonly L[];
}

/** A network of dense layers only (what `.nnet` files and {@link createNetwork} give). */
export type DenseNetwork = ReluNetwork<DenseLayer>;

/** Sizes of the hidden ReLU layers (one per layer except the last). */
export function hiddenSizes(net: ReluNetwork): number[] {
  return net.layers.slice(0, -1).map((l) => l.outSize);
}

/** Number of ReLUs in the network. */
export function countRelus(net: ReluNetwork): number {
  return hiddenSizes(net).reduce((a, b) => a + b, 0);
}

/**
 * Builds a network from plain arrays, checking shapes and finiteness.
 *
 * @param layers - per layer, `weights` as rows `[out][in]` and `bias` `[out]`.
 */
export function createNetwork(layers: ReadonlyArray<{ weights: ReadonlyArray<ArrayLike<number>>; bias: ArrayLike<number> }>): DenseNetwork {
  if (!Array.isArray(layers) || layers.length === 0) throw new Error('createNetwork: layers must be a non-empty array');
  const dense = layers.map((layer, k) => {
    const outSize = layer.weights.length;
    if (outSize === 0) throw new Error(`createNetwork: layers[${k}].weights must have at least one row`);
    const inSize = layer.weights[0].length;
    const weights = new Float64Array(outSize * inSize);
    layer.weights.forEach((row: ArrayLike<number>, i: number) => {
      if (row.length !== inSize) throw new Error(`createNetwork: layers[${k}].weights row ${i} has ${row.length} values, expected ${inSize}`);
      for (let j = 0; j < inSize; j++) weights[i * inSize + j] = row[j];
    });
    if (layer.bias.length !== outSize) throw new Error(`createNetwork: layers[${k}].bias has ${layer.bias.length} values, expected ${outSize}`);
    return { inSize, outSize, weights, bias: Float64Array.from(layer.bias) };
  });
  return validateNetwork({ inputSize: dense[0].inSize, outputSize: dense[dense.length - 1].outSize, layers: dense });
}

/** Throws a clear error unless `net` is a consistent network with finite parameters; returns it. */
export function validateNetwork<N extends ReluNetwork>(net: N): N {
  if (!net || !Array.isArray(net.layers) || net.layers.length === 0) throw new Error('network: expected at least one layer');
  let prev = net.inputSize;
  net.layers.forEach((l, k) => {
    if (l.inSize !== prev) throw new Error(`network: layers[${k}] reads ${l.inSize} values, but the previous layer gives ${prev}`);
    prev = l.outSize;
    if (isConv(l)) {
      if (l.bias.length !== l.outSize || l.taps.offsets.length !== l.outSize + 1) throw new Error(`network: layers[${k}] (conv2d) has inconsistent bias or taps`);
      return;
    }
    if (l.weights.length !== l.inSize * l.outSize) throw new Error(`network: layers[${k}].weights has ${l.weights.length} values, expected ${l.outSize}×${l.inSize}`);
    if (l.bias.length !== l.outSize) throw new Error(`network: layers[${k}].bias has ${l.bias.length} values, expected ${l.outSize}`);
    for (const v of l.weights) if (!Number.isFinite(v)) throw new Error(`network: layers[${k}].weights contains a non-finite value`);
    for (const v of l.bias) if (!Number.isFinite(v)) throw new Error(`network: layers[${k}].bias contains a non-finite value`);
  });
  if (prev !== net.outputSize) throw new Error(`network: outputSize ${net.outputSize} differs from the last layer's ${prev}`);
  return net;
}

/** `W·h + b` of one layer, in float64. */
export function affine(layer: AffineLayer, h: ArrayLike<number>): Float64Array {
  if (isConv(layer)) return conv2dForward(layer, h);
  const out = new Float64Array(layer.outSize);
  const { weights: w, inSize } = layer;
  for (let i = 0; i < layer.outSize; i++) {
    let s = layer.bias[i];
    const row = i * inSize;
    for (let j = 0; j < inSize; j++) s += w[row + j] * h[j];
    out[i] = s;
  }
  return out;
}

/** Adds `Wᵀ·v` of one layer to `into` (`[inSize]`): the transposed convolution for a conv layer. */
export function addTransposed(layer: AffineLayer, v: ArrayLike<number>, into: Float64Array): void {
  if (isConv(layer)) return conv2dTransposeAdd(layer, v, into);
  const { weights: w, inSize } = layer;
  for (let i = 0; i < layer.outSize; i++) {
    const vi = v[i];
    if (vi === 0) continue;
    const row = i * inSize;
    for (let q = 0; q < inSize; q++) into[q] += vi * w[row + q];
  }
}

/** The network output at `x`, in float64 (the reference used to re-check counterexamples). */
export function forward(net: ReluNetwork, x: ArrayLike<number>): Float64Array {
  return forwardTrace(net, x).output;
}

/** Pre-activations of every hidden layer and the output at `x`, in float64. */
export function forwardTrace(net: ReluNetwork, x: ArrayLike<number>): { preActivations: Float64Array[]; output: Float64Array } {
  if (x.length !== net.inputSize) throw new Error(`forward: x has ${x.length} values, expected ${net.inputSize}`);
  const pre: Float64Array[] = [];
  let h: ArrayLike<number> = x;
  for (let k = 0; k < net.layers.length; k++) {
    const z = affine(net.layers[k], h);
    if (k === net.layers.length - 1) return { preActivations: pre, output: z };
    pre.push(z);
    h = z.map((v) => (v > 0 ? v : 0));
  }
  throw new Error('forward: network has no layers');
}
