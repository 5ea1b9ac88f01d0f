/**
 * Converts a tensor-gpu `nn.Sequential` of Linear, Conv2d, ReLU and Flatten layers into a
 * {@link ReluNetwork}: convolutions become dense matrices (exact, only practical for small inputs),
 * consecutive affine layers are composed, and a ReLU must separate the affine blocks.
 */
import * as t from '@nnlab/tensor-gpu';
import { validateNetwork, type DenseLayer, type ReluNetwork } from './network';

function compose(outer: DenseLayer, inner: DenseLayer): DenseLayer {
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

async function conv2dAsDense(conv: t.nn.Conv2d, shape: number[]): Promise<{ layer: DenseLayer; shape: number[] }> {
  const [c, h, w] = shape;
  const [oc, ic, kh, kw] = conv.weight.value.shape;
  if (ic !== c) throw new Error(`networkFromModule: Conv2d expects ${ic} input channels, the input has ${c}`);
  const pair = (v: number | readonly [number, number] | undefined, d: number): [number, number] => (v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : [v[0], v[1]]);
  const options = conv.options;
  if ((options.groups ?? 1) !== 1) throw new Error('networkFromModule: grouped Conv2d is not supported');
  const [dh, dw] = pair(options.dilation, 1);
  if (dh !== 1 || dw !== 1) throw new Error('networkFromModule: dilated Conv2d is not supported');
  const [sh, sw] = pair(options.stride, 1);
  const [ph, pw] = pair(options.padding, 0);
  const oh = Math.floor((h + 2 * ph - kh) / sh) + 1;
  const ow = Math.floor((w + 2 * pw - kw) / sw) + 1;
  const kernel = await conv.weight.value.data();
  const b = conv.bias ? await conv.bias.value.data() : new Float32Array(oc);
  const inSize = c * h * w;
  const outSize = oc * oh * ow;
  const weights = new Float64Array(outSize * inSize);
  const bias = new Float64Array(outSize);
  for (let o = 0; o < oc; o++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        const row = (o * oh + y) * ow + x;
        bias[row] = b[o];
        for (let ci = 0; ci < c; ci++) {
          for (let dy = 0; dy < kh; dy++) {
            const iy = y * sh - ph + dy;
            if (iy < 0 || iy >= h) continue;
            for (let dx = 0; dx < kw; dx++) {
              const ix = x * sw - pw + dx;
              if (ix < 0 || ix >= w) continue;
              weights[row * inSize + (ci * h + iy) * w + ix] += kernel[((o * ic + ci) * kh + dy) * kw + dx];
            }
          }
        }
      }
    }
  }
  return { layer: { inSize, outSize, weights, bias }, shape: [oc, oh, ow] };
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
  const blocks: DenseLayer[] = [];
  let pending: DenseLayer | null = null;
  for (const [i, m] of flat.entries()) {
    let layer: DenseLayer | null = null;
    if (m instanceof t.nn.Linear) {
      const size = shape.reduce((a, b) => a * b, 1);
      if (size !== m.inFeatures) throw new Error(`networkFromModule: layer ${i} (Linear) expects ${m.inFeatures} inputs, gets ${size}`);
      const w = await m.weight.value.data();
      const b = m.bias ? await m.bias.value.data() : new Float32Array(m.outFeatures);
      layer = { inSize: m.inFeatures, outSize: m.outFeatures, weights: Float64Array.from(w), bias: Float64Array.from(b) };
      shape = [m.outFeatures];
    } else if (m instanceof t.nn.Conv2d) {
      if (shape.length !== 3) throw new Error(`networkFromModule: layer ${i} (Conv2d) needs a [C, H, W] input, gets [${shape.join(', ')}]`);
      const converted = await conv2dAsDense(m, shape);
      layer = converted.layer;
      shape = converted.shape;
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
