/**
 * Converts a tensor-gpu `nn.Sequential` of Linear, Conv2d, ReLU and Flatten layers into a
 * {@link ReluNetwork}: convolutions stay convolutions, consecutive affine layers are composed (a
 * convolution then becomes its dense matrix), and a ReLU must separate the affine blocks.
 */
import * as t from '@nnlab/tensor-gpu';
import { createConv2dLayer, type Conv2dLayer } from './conv';
import { isConv, validateNetwork, type AffineLayer, type DenseLayer, type ReluNetwork } from './network';

function compose(outerLayer: AffineLayer, innerLayer: AffineLayer): DenseLayer {
  const outer = denseOf(outerLayer);
  const inner = denseOf(innerLayer);
  const weights = new Float64Array(outer.outSize * inner.inSize);
  const bias = Float64Array.from(outer.bias);
  for (let i = 0; i < outer.outSize; i++) {
    for (let j = 0; j < outer.inSize; j++) {
      const w = outer.weights[i * outer.inSize + j];
      if (w === 0) continue;
      bias[i] += w * inner.bias[j];
      for (let q = 0; q < inner.inSize; q++) weights[i * inner.inSize + q] += w * inner.weights[j * inner.inSize + q];
    }
  }
  return { inSize: inner.inSize, outSize: outer.outSize, weights, bias };
}

/** A convolution's dense matrix, from its taps: only for composing it with a neighbouring affine layer. */
function denseOf(layer: AffineLayer): DenseLayer {
  if (!isConv(layer)) return layer;
  const { offsets, inputs, weights: w } = layer.taps;
  const weights = new Float64Array(layer.outSize * layer.inSize);
  for (let i = 0; i < layer.outSize; i++) for (let t = offsets[i]; t < offsets[i + 1]; t++) weights[i * layer.inSize + inputs[t]] += w[t];
  return { inSize: layer.inSize, outSize: layer.outSize, weights, bias: Float64Array.from(layer.bias) };
}

async function readConv2d(conv: t.nn.Conv2d, shape: number[]): Promise<Conv2dLayer> {
  const [c, h, w] = shape;
  const [oc, ic, kh, kw] = conv.weight.value.shape;
  if (ic !== c) throw new Error(`networkFromModule: Conv2d expects ${ic} input channels, the input has ${c}`);
  const pair = (v: number | readonly [number, number] | undefined, d: number): [number, number] => (v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : [v[0], v[1]]);
  const options = conv.options;
  if ((options.groups ?? 1) !== 1) throw new Error('networkFromModule: grouped Conv2d is not supported');
  const [dh, dw] = pair(options.dilation, 1);
  if (dh !== 1 || dw !== 1) throw new Error('networkFromModule: dilated Conv2d is not supported');
  const kernel = await conv.weight.value.data();
  const bias = conv.bias ? await conv.bias.value.data() : new Float32Array(oc);
  return createConv2dLayer({ inShape: [c, h, w], kernel, kernelShape: [oc, ic, kh, kw], bias, stride: pair(options.stride, 1), padding: pair(options.padding, 0) });
}

/**
 * Reads the weights of a tensor-gpu model into a float64 {@link ReluNetwork}.
 *
 * @param model - an `nn.Sequential` of Linear, Conv2d, ReLU and Flatten (nested Sequentials allowed).
 * @param inputShape - shape of one input sample, e.g. `[784]` or `[1, 28, 28]`.
 */
export async function networkFromModule(model: t.nn.Module, inputShape: readonly number[]): Promise<ReluNetwork> {
  if (!(model instanceof t.nn.Module)) throw new Error('networkFromModule: model must be a tensor-gpu nn.Module');
  if (!Array.isArray(inputShape) || inputShape.length === 0 || inputShape.some((d) => !Number.isInteger(d) || d < 1)) throw new Error(`networkFromModule: inputShape must be positive integers, got ${JSON.stringify(inputShape)}`);
  const flat: t.nn.Module[] = [];
  const unroll = (m: t.nn.Module) => (m instanceof t.nn.Sequential ? m.layers.forEach(unroll) : flat.push(m));
  unroll(model);
  let shape = [...inputShape];
  const blocks: AffineLayer[] = [];
  let pending: AffineLayer | null = null;
  for (const [i, m] of flat.entries()) {
    let layer: AffineLayer | null = null;
    if (m instanceof t.nn.Linear) {
      const size = shape.reduce((a, b) => a * b, 1);
      if (size !== m.inFeatures) throw new Error(`networkFromModule: layer ${i} (Linear) expects ${m.inFeatures} inputs, gets ${size}`);
      const w = await m.weight.value.data();
      const b = m.bias ? await m.bias.value.data() : new Float32Array(m.outFeatures);
      layer = { inSize: m.inFeatures, outSize: m.outFeatures, weights: Float64Array.from(w), bias: Float64Array.from(b) };
      shape = [m.outFeatures];
    } else if (m instanceof t.nn.Conv2d) {
      if (shape.length !== 3) throw new Error(`networkFromModule: layer ${i} (Conv2d) needs a [C, H, W] input, gets [${shape.join(', ')}]`);
      const conv = await readConv2d(m, shape);
      layer = conv;
      shape = [...conv.outShape];
    } else if (m instanceof t.nn.Flatten) {
      shape = [shape.reduce((a, b) => a * b, 1)];
      continue;
    } else if (m instanceof t.nn.ReLU) {
      if (!pending) throw new Error(`networkFromModule: layer ${i} (ReLU) must follow an affine layer`);
      blocks.push(pending);
      pending = null;
      continue;
    } else {
      throw new Error(`networkFromModule: layer ${i} (${m.constructor.name}) is not supported (Linear, Conv2d, ReLU, Flatten)`);
    }
    pending = pending ? compose(layer, pending) : layer;
  }
  if (!pending) throw new Error('networkFromModule: the model must end with an affine layer (Linear or Conv2d)');
  blocks.push(pending);
  const inputSize = inputShape.reduce((a, b) => a * b, 1);
  return validateNetwork({ inputSize, outputSize: pending.outSize, layers: blocks });
}
