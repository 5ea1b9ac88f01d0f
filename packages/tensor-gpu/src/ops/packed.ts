import { fmt } from '../shape';
import type { Tensor } from '../tensor';
import { add, mul, neg } from './elementwise';
import { fromHost } from './creation';
import { mean, sum } from './reduce';
import { logSoftmax } from './softmax';
import { convolve } from './conv';
import { convGeometry, type Conv2dOptions } from './conv-geometry';
import { reshape } from './layout';
import { matmul } from './matmul';
import { checkTensor } from './run';

/**
 * K linear layers in one matmul: `w` `[K, out, in]`, optional `b` `[K, out]`; `x` is shared by all
 * models (`[B, in]`) or per model (`[K, B, in]`). Returns `[K, B, out]` with `y_k = x_k W_kᵀ + b_k`.
 */
export function packedLinear(x: Tensor, w: Tensor, b?: Tensor): Tensor {
  checkTensor(x, 'packedLinear', 'x');
  checkTensor(w, 'packedLinear', 'w');
  if (w.rank !== 3) throw new Error(`packedLinear: w must be [K, out, in], got ${fmt(w.shape)}`);
  const [k, out, inp] = w.shape;
  const shared = x.rank === 2;
  if ((shared && x.shape[1] !== inp) || (!shared && (x.rank !== 3 || x.shape[0] !== k || x.shape[2] !== inp))) {
    throw new Error(`packedLinear: x must be [B, ${inp}] (shared) or [${k}, B, ${inp}] (per model), got ${fmt(x.shape)} for w ${fmt(w.shape)}`);
  }
  if (b) {
    checkTensor(b, 'packedLinear', 'b');
    if (b.rank !== 2 || b.shape[0] !== k || b.shape[1] !== out) throw new Error(`packedLinear: b must be [${k}, ${out}], got ${fmt(b.shape)}`);
  }
  return x.engine.tidy(() => {
    const y = matmul(x, w, { transposeB: true });
    return b ? add(y, reshape(b, [k, 1, out])) : y;
  });
}

/**
 * K convolutions in one grouped-convolution launch: `w` `[K, O, C, kH, kW]`, optional `b` `[K, O]`;
 * `x` shared (`[B, C, H, W]`) or per model (`[K, B, C, H, W]`). Returns `[K, B, O, oH, oW]`.
 * The K models become K channel groups of one convolution (the fused kernel of the packing paper)
 * that reads and writes the model-first layout directly: no transposes, and a shared input is
 * neither copied K times nor unfolded more than once per image.
 */
export function packedConv2d(x: Tensor, w: Tensor, b: Tensor | undefined, options: Omit<Conv2dOptions, 'groups'> = {}): Tensor {
  checkTensor(x, 'packedConv2d', 'x');
  checkTensor(w, 'packedConv2d', 'w');
  if (w.rank !== 5) throw new Error(`packedConv2d: w must be [K, O, C, kH, kW], got ${fmt(w.shape)}`);
  const [k, o, c, kh, kw] = w.shape;
  const shared = x.rank === 4;
  if ((shared && x.shape[1] !== c) || (!shared && (x.rank !== 5 || x.shape[0] !== k || x.shape[2] !== c))) {
    throw new Error(`packedConv2d: x must be [B, ${c}, H, W] (shared) or [${k}, B, ${c}, H, W] (per model), got ${fmt(x.shape)}`);
  }
  if (b) {
    checkTensor(b, 'packedConv2d', 'b');
    if (b.rank !== 2 || b.shape[0] !== k || b.shape[1] !== o) throw new Error(`packedConv2d: b must be [${k}, ${o}], got ${fmt(b.shape)}`);
  }
  const batch = shared ? x.shape[0] : x.shape[1];
  const [h, wd] = x.shape.slice(-2);
  const g = convGeometry({ n: batch, c: k * c, h, w: wd, o: k * o, kh, kw, groups: k }, options, 'packedConv2d', { layout: 'packed', sharedInput: shared });
  return x.engine.tidy(() => {
    const y = convolve(x, reshape(w, [k * o, c, kh, kw]), g, [k, batch, o, g.oh, g.ow], options.accumulate, 'packedConv2d');
    return b ? add(y, reshape(b, [k, 1, o, 1, 1])) : y;
  });
}

/**
 * Per-model mean cross-entropy of packed logits `[K, B, C]` against labels shared by the models
 * (`B` class ids) or per model (`K·B` ids, model-major). Returns `[K]`; summing it gives each
 * model's parameters exactly its own gradient.
 */
export function packedCrossEntropy(logits: Tensor, labels: ArrayLike<number>): Tensor {
  checkTensor(logits, 'packedCrossEntropy', 'logits');
  if (logits.rank !== 3) throw new Error(`packedCrossEntropy: logits must be [K, B, C], got ${fmt(logits.shape)}`);
  const [k, batch, classes] = logits.shape;
  if (labels.length !== batch && labels.length !== k * batch) {
    throw new Error(`packedCrossEntropy: expected ${batch} shared or ${k * batch} per-model labels, got ${labels.length}`);
  }
  const oneHot = new Float32Array(k * batch * classes);
  for (let m = 0; m < k; m++) {
    for (let i = 0; i < batch; i++) {
      const c = labels.length === batch ? labels[i] : labels[m * batch + i];
      if (!Number.isInteger(c) || c < 0 || c >= classes) throw new Error(`packedCrossEntropy: label ${c} is not a class id in [0, ${classes})`);
      oneHot[(m * batch + i) * classes + c] = 1;
    }
  }
  return logits.engine.tidy(() => {
    const picked = sum(mul(logSoftmax(logits, 2), fromHost(logits.engine, oneHot, [k, batch, classes])), 2);
    return neg(mean(picked, 1));
  });
}
