/**
 * The tfjs side of the training benchmarks (NHWC): the MLP 784-256-10 and the LeNet-5-style CNN
 * with PyTorch's default initialisation, trained by hand-written backprop with explicit transposes
 * (what the anchors call the fast form), and the same models as `optimizer.minimize` closures (how
 * tfjs users train: autodiff through tfjs's gradient functions, see tfjs-gradients.ts).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';

/** U(−1/√fanIn, 1/√fanIn), PyTorch's default for weights and biases. */
export function tfUniform(shape: number[], fanIn: number, seed: number): tf.Tensor {
  const b = 1 / Math.sqrt(fanIn);
  return tf.keep(tf.randomUniform(shape, -b, b, 'float32', seed));
}

/** Parameters `[W, b]` per dense layer, `W` as `[in, out]` (tfjs's `x·W`). */
export function tfDense(widths: number[], seed: number): tf.Tensor[] {
  const ps: tf.Tensor[] = [];
  for (let i = 0; i + 1 < widths.length; i++) ps.push(tfUniform([widths[i], widths[i + 1]], widths[i], seed + 2 * i), tfUniform([widths[i + 1]], widths[i], seed + 2 * i + 1));
  return ps;
}

export function tfParams(model: 'mlp' | 'cnn'): tf.Tensor[] {
  if (model === 'mlp') return tfDense([784, 256, 10], 1);
  return [tfUniform([5, 5, 1, 6], 25, 11), tfUniform([6], 25, 12), tfUniform([5, 5, 6, 16], 150, 13), tfUniform([16], 150, 14), ...tfDense([400, 120, 84, 10], 15)];
}

/** ReLU dense stack forward (no ReLU after the last layer): returns the input of every layer and the logits. */
export function denseForward(ps: readonly tf.Tensor[], x: tf.Tensor): { inputs: tf.Tensor[]; logits: tf.Tensor } {
  const inputs: tf.Tensor[] = [];
  let a = x;
  for (let i = 0; i < ps.length; i += 2) {
    inputs.push(a);
    const z = tf.add(tf.matMul(a, ps[i]), ps[i + 1]);
    a = i + 2 < ps.length ? tf.relu(z) : z;
  }
  return { inputs, logits: a };
}

/** Backprop through the dense stack from the logits gradient; returns `[dW, db]` per layer and the input gradient. */
export function denseBackward(ps: readonly tf.Tensor[], inputs: readonly tf.Tensor[], dLogits: tf.Tensor): { grads: tf.Tensor[]; dInput: tf.Tensor } {
  const grads: tf.Tensor[] = new Array(ps.length);
  let dz = dLogits;
  for (let l = inputs.length - 1; l >= 0; l--) {
    const a = inputs[l];
    grads[2 * l] = tf.matMul(tf.transpose(a), dz);
    grads[2 * l + 1] = tf.sum(dz, 0);
    const da = tf.matMul(dz, tf.transpose(ps[2 * l]));
    dz = l > 0 ? tf.mul(da, tf.step(a)) : da;
  }
  return { grads, dInput: dz };
}

/** Mean softmax cross-entropy and its gradient with respect to the logits. */
export function crossEntropyGrad(logits: tf.Tensor, labels: Int32Array): { loss: tf.Scalar; dLogits: tf.Tensor } {
  const n = labels.length;
  const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
  const logp = tf.logSoftmax(logits);
  return { loss: tf.neg(tf.div(tf.sum(tf.mul(oneHot, logp)), n)) as tf.Scalar, dLogits: tf.div(tf.sub(tf.exp(logp), oneHot), n) };
}

export function maxPoolGrad(dy: tf.Tensor, input: tf.Tensor, output: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel('MaxPoolGrad', { dy, input, output }, { filterSize: 2, strides: 2, pad: 'valid' });
}

/** Filter gradient of a stride-1 'valid' conv: input `[N,H,W,C]`, dy `[N,oh,ow,O]` → `[kh,kw,C,O]`. */
export function convFilterGrad(input: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor {
  const out = tf.conv2d(tf.transpose(input, [3, 1, 2, 0]) as tf.Tensor4D, tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D, 1, 'valid');
  return tf.transpose(out, [1, 2, 0, 3]);
}

/** Loss and gradients of the LeNet-5-style CNN (NHWC) at `x`. */
export function cnnGrads(ps: readonly tf.Tensor[], x: tf.Tensor4D, labels: Int32Array, onForward: () => void = () => undefined): { loss: tf.Scalar; grads: tf.Tensor[] } {
  const n = labels.length;
  const [k1, c1, k2, c2] = ps as tf.Tensor4D[];
  const a1 = tf.relu(tf.add(tf.conv2d(x, k1, 1, 'same'), c1)) as tf.Tensor4D;
  const p1 = tf.maxPool(a1, 2, 2, 'valid');
  const a2 = tf.relu(tf.add(tf.conv2d(p1, k2, 1, 'valid'), c2)) as tf.Tensor4D;
  const p2 = tf.maxPool(a2, 2, 2, 'valid');
  const dense = ps.slice(4);
  const { inputs, logits } = denseForward(dense, tf.reshape(p2, [n, 400]));
  const { loss, dLogits } = crossEntropyGrad(logits, labels);
  onForward();
  const { grads: denseGrads, dInput } = denseBackward(dense, inputs, dLogits);
  const d2 = tf.mul(maxPoolGrad(tf.reshape(dInput, [n, 5, 5, 16]), a2, p2), tf.step(a2)) as tf.Tensor4D;
  const dp1 = tf.conv2dTranspose(d2, k2, [n, 14, 14, 6], 1, 'valid');
  const d1 = tf.mul(maxPoolGrad(dp1, a1, p1), tf.step(a1)) as tf.Tensor4D;
  const xPadded = tf.pad(x, [[0, 0], [2, 2], [2, 2], [0, 0]]) as tf.Tensor4D;
  return { loss, grads: [convFilterGrad(xPadded, d1), tf.sum(d1, [0, 1, 2]), convFilterGrad(p1, d2), tf.sum(d2, [0, 1, 2]), ...denseGrads] };
}


/**
 * The loss of the model as a tfjs user writes it for `optimizer.minimize`: the forward pass and
 * `tf.losses.softmaxCrossEntropy` (mean over the batch); tfjs's autodiff makes the gradients.
 */
export function tfLoss(model: 'mlp' | 'cnn', ps: readonly tf.Tensor[], x: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  let logits: tf.Tensor;
  if (model === 'mlp') {
    logits = denseForward(ps, x).logits;
  } else {
    const [k1, c1, k2, c2] = ps as tf.Tensor4D[];
    const a1 = tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, k1, 1, 'same'), c1)) as tf.Tensor4D;
    const a2 = tf.relu(tf.add(tf.conv2d(tf.maxPool(a1, 2, 2, 'valid'), k2, 1, 'valid'), c2)) as tf.Tensor4D;
    const p2 = tf.maxPool(a2, 2, 2, 'valid');
    logits = denseForward(ps.slice(4), tf.reshape(p2, [x.shape[0], 400])).logits;
  }
  return tf.losses.softmaxCrossEntropy(tf.oneHot(labels as tf.Tensor1D, 10), logits) as tf.Scalar;
}
