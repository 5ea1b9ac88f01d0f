/**
 * The GNN's messages along one layer's edges: `W·μ` forward and `Wᵀ·μ` backward for embeddings μ
 * `[n, p]`. Dense layers multiply by the weight matrix; convolutions run tensor-gpu's conv2d (and
 * its input gradient, the transposed convolution) with the p embedding channels as the batch, as
 * the reference does (conv2d / conv_transpose2d), never building the dense matrix.
 */
import * as t from '@nnlab/tensor-gpu';
import { isConv, type AffineLayer } from '../network/network';

/** One layer's weights as tensors (made once per GNN evaluation, inside its tidy scope). */
export interface LayerEdges {
  /** `W·μ`: `[inSize, p]` → `[outSize, p]`. */
  forward(mu: t.Tensor): t.Tensor;
  /** `Wᵀ·μ`: `[outSize, p]` → `[inSize, p]`. */
  backward(mu: t.Tensor): t.Tensor;
}

/** The edges of one layer (float32 copies of its weights). */
export function layerEdges(layer: AffineLayer): LayerEdges {
  if (!isConv(layer)) {
    const w = t.tensor(Float32Array.from(layer.weights), [layer.outSize, layer.inSize]);
    return { forward: (mu) => t.matmul(w, mu), backward: (mu) => t.matmul(w, mu, { transposeA: true }) };
  }
  const [c, h, wd] = layer.inShape;
  const [oc, oh, ow] = layer.outShape;
  const kernel = t.tensor(Float32Array.from(layer.kernel), [oc, c, layer.kernelSize[0], layer.kernelSize[1]]);
  const options = { stride: [...layer.stride] as [number, number], padding: [...layer.padding] as [number, number] };
  return {
    forward: (mu) => {
      const p = mu.shape[1];
      const images = t.reshape(t.transpose(mu), [p, c, h, wd]);
      return t.transpose(t.reshape(t.conv2d(images, kernel, options), [p, oc * oh * ow]));
    },
    backward: (mu) => {
      const p = mu.shape[1];
      const grads = t.reshape(t.transpose(mu), [p, oc, oh, ow]);
      return t.transpose(t.reshape(t.conv2dInputGrad(grads, kernel, [p, c, h, wd], options), [p, c * h * wd]));
    },
  };
}
