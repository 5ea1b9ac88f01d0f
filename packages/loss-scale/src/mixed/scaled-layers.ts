import * as t from '@nnlab/tensor-gpu';
import type { BackwardPass, PendingFate } from './backward-pass';
import { mulScale, scaleToFloat16, type ScaleValue } from './scale-value';

/** The three products a scaled layer's backward needs, computed in float32 on float16 values. */
interface LayerProducts {
  /** (αG)·W for the input gradient, exact in float32 before the one rounding to float16. */
  inputGrad(scaledGrad: t.Tensor): t.Tensor;
  /** Gᵀx for the weight gradient, exact in float32 before the rounding. */
  weightGrad(grad: t.Tensor): t.Tensor;
  /** Both at once when α = 1 (one pass over the layer where the op allows it). */
  both(grad: t.Tensor): [t.Tensor, t.Tensor];
  /** Axes summed for the bias gradient. */
  biasAxes: number[];
}

/** Describes one scaled layer to {@link scaledBackward}. */
interface ScaledLayer {
  name: string;
  kind: 'linear' | 'conv2d';
  reduction: number;
  needInput: boolean;
  products: (x32: t.Tensor, w32: t.Tensor) => LayerProducts;
}

/**
 * The backward of a Linear or Conv2d layer under adaptive loss scaling (Zhao et al.): the incoming float16
 * gradient G carries s_prev; the policy gives α; the input gradient is fp16((αG)·W) and carries
 * α·s_prev; the parameter gradients are fp16(Gᵀx) and ΣG, unscaled by s_prev in float32.
 * Float16 products accumulate in float32 and round once, so computing them in float32 on the
 * float16 values and casting gives the same numbers, and the float32 values are what the
 * underflow rates are measured on.
 */
function scaledBackward(layer: ScaledLayer, pass: BackwardPass, dy: t.Tensor, input: t.Tensor, weight16: t.Tensor, hasBias: boolean, output: t.Tensor): (t.Tensor | null)[] {
  const g = t.cast(dy, 'float16');
  const previous = pass.scaleOf(output, `mixed ${layer.kind} '${layer.name}'`);
  const alpha: ScaleValue = pass.policy.layerScale({ layer: layer.name, grad: g, weight: weight16, reduction: layer.reduction, previous, iteration: pass.iteration });
  const products = layer.products(t.cast(input, 'float32'), t.cast(weight16, 'float32'));
  const g32 = t.cast(g, 'float32');
  let inputExact: t.Tensor | null = null;
  let weightExact: t.Tensor;
  if (layer.needInput && alpha === 1) {
    [inputExact, weightExact] = products.both(g32);
  } else {
    if (layer.needInput) inputExact = products.inputGrad(t.cast(scaleToFloat16(g, alpha), 'float32'));
    weightExact = products.weightGrad(g32);
  }
  let inputGrad: t.Tensor | null = null;
  let inputFate: PendingFate | null = null;
  if (inputExact) {
    inputFate = pass.fate(inputExact);
    inputGrad = t.cast(inputExact, 'float16');
    pass.setScale(input, mulScale(alpha, previous));
  }
  const weightFate = pass.fate(weightExact);
  const weightGrad = pass.unscaleParameterGrad(t.cast(weightExact, 'float16'), previous);
  pass.layers.push({ layer: layer.name, kind: layer.kind, alpha, incoming: previous, inputGrad: inputFate, weightGrad: weightFate });
  if (!hasBias) return [inputGrad, weightGrad];
  return [inputGrad, weightGrad, pass.unscaleParameterGrad(t.sum(g, products.biasAxes), previous)];
}

/**
 * A Linear layer in mixed precision: `y = fp16(x·W16ᵀ + b16)` on float16 activations, with W16
 * and b16 the float16 casts of the float32 master parameters (the bias is added to the float32
 * accumulator before the one rounding, as a fused GEMM epilogue does). The casts are recorded ops,
 * so the float32 gradients this layer returns flow to the master parameters.
 */
export function mixedLinear(layer: t.nn.Linear, name: string, pass: BackwardPass, x: t.Tensor): t.Tensor {
  if (x.rank !== 2 || x.shape[1] !== layer.inFeatures) throw new Error(`mixed Linear '${name}': expected input [batch, ${layer.inFeatures}], got [${x.shape.join(', ')}]`);
  const spec: ScaledLayer = {
    name,
    kind: 'linear',
    reduction: layer.outFeatures,
    needInput: t.isRecorded(x),
    products: (x32, w32) => ({
      inputGrad: (gs) => t.matmul(gs, w32),
      weightGrad: (g) => t.matmul(g, x32, { transposeA: true }),
      both: (g) => [t.matmul(g, w32), t.matmul(g, x32, { transposeA: true })],
      biasAxes: [0],
    }),
  };
  const op = t.customGrad(
    (...[input, weight, bias]: t.Tensor[]) => {
      const y = t.matmul(t.cast(input, 'float32'), t.cast(weight, 'float32'), { transposeB: true });
      return t.cast(bias ? t.add(y, t.cast(bias, 'float32')) : y, 'float16');
    },
    (dy, { inputs: [input, weight, bias], output }) => scaledBackward(spec, pass, dy, input, weight, bias !== undefined, output),
  );
  const w16 = t.cast(layer.weight.value, 'float16');
  return layer.bias ? op(asFloat16(x), w16, t.cast(layer.bias.value, 'float16')) : op(asFloat16(x), w16);
}

/**
 * `x` as float16. A float16 input is passed on as the same tensor, not a cast view: the loss
 * scale of a gradient is looked up by the tensor it belongs to, so the previous layer's output
 * must reach this layer unchanged.
 */
function asFloat16(x: t.Tensor): t.Tensor {
  return x.dtype === 'float16' ? x : t.cast(x, 'float16');
}

/** N for a convolution's input gradient: outC·kH·kW terms per element (not the fan-in of the weights). */
export function convReduction(layer: t.nn.Conv2d): number {
  const [o, , kh, kw] = layer.weight.value.shape;
  return o * kh * kw;
}

/**
 * A Conv2d layer in mixed precision, as {@link mixedLinear} with N = outC·kH·kW. The transposed
 * convolutions of the backward are tensor-gpu's convolution gradient ops on the float32 values of
 * the float16 operands.
 */
export function mixedConv2d(layer: t.nn.Conv2d, name: string, pass: BackwardPass, x: t.Tensor): t.Tensor {
  if (x.rank !== 4 || x.shape[1] !== layer.inChannels) throw new Error(`mixed Conv2d '${name}': expected input [N, ${layer.inChannels}, H, W], got [${x.shape.join(', ')}]`);
  const options = layer.options;
  const channels = layer.outChannels;
  const spec: ScaledLayer = {
    name,
    kind: 'conv2d',
    reduction: convReduction(layer),
    needInput: t.isRecorded(x),
    products: (x32, w32) => ({
      inputGrad: (gs) => t.conv2dInputGrad(gs, w32, x32.shape, options),
      weightGrad: (g) => t.conv2dWeightGrad(g, x32, w32.shape, options),
      both: (g) => [t.conv2dInputGrad(g, w32, x32.shape, options), t.conv2dWeightGrad(g, x32, w32.shape, options)],
      biasAxes: [0, 2, 3],
    }),
  };
  const op = t.customGrad(
    (...[input, weight, bias]: t.Tensor[]) => {
      const y = t.conv2d(t.cast(input, 'float32'), t.cast(weight, 'float32'), options);
      return t.cast(bias ? t.add(y, t.reshape(t.cast(bias, 'float32'), [1, channels, 1, 1])) : y, 'float16');
    },
    (dy, { inputs: [input, weight, bias], output }) => scaledBackward(spec, pass, dy, input, weight, bias !== undefined, output),
  );
  const w16 = t.cast(layer.weight.value, 'float16');
  return layer.bias ? op(asFloat16(x), w16, t.cast(layer.bias.value, 'float16')) : op(asFloat16(x), w16);
}
