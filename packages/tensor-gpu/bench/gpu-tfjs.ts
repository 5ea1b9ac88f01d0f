/**
 * The baseline of bench/gpu.ts: @tensorflow/tfjs-core with @tensorflow/tfjs-backend-webgpu 4.22.0
 * on the same `navigator.gpu` as tensor-gpu. tfjs-core's Node bundle has no gradient configs, so
 * its MLP step is hand-written backprop (two dense layers, softmax cross-entropy, plain SGD).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';

/** Selects tfjs's webgpu backend; returns a note instead when it does not start. */
export async function initTfjsWebGpu(): Promise<string | null> {
  try {
    return (await tf.setBackend('webgpu')) ? null : 'tfjs webgpu backend did not initialise';
  } catch (e) {
    return `tfjs webgpu backend failed: ${(e as Error).message}`;
  }
}

/** `chain` products `x = x·b` of n×n matrices, one read at the end; returns the result. */
export function tfjsMatmulChain(n: number, chain: number, a: Float32Array, b: Float32Array): () => Promise<Float32Array> {
  const ta = tf.tensor2d(a, [n, n]);
  const tb = tf.tensor2d(b, [n, n]);
  return async () => {
    const y = tf.tidy(() => {
      let x: tf.Tensor2D = ta;
      for (let i = 0; i < chain; i++) x = tf.matMul(x, tb);
      return x;
    });
    const v = (await y.data()) as Float32Array;
    y.dispose();
    return v;
  };
}

/** conv2d forward, 'same' 5×5, on NHWC input `[n, h, w, c]` and HWIO filters; reads the result. */
export function tfjsConv(x: number[], w: number[]): () => Promise<void> {
  const tx = tf.randomNormal(x as [number, number, number, number]);
  const tw = tf.randomNormal(w as [number, number, number, number]);
  return async () => {
    const y = tf.conv2d(tx as tf.Tensor4D, tw as tf.Tensor4D, 1, 'same');
    await y.data();
    y.dispose();
  };
}

/** Max or average pooling forward on NHWC input `[n, h, w, c]`; reads the result. */
export function tfjsPool(kind: 'max' | 'avg', x: number[], kernel: number, stride: number, pad: 'same' | 'valid'): () => Promise<void> {
  const tx = tf.randomNormal(x as [number, number, number, number]) as tf.Tensor4D;
  return async () => {
    const y = kind === 'max' ? tf.maxPool(tx, kernel, stride, pad) : tf.avgPool(tx, kernel, stride, pad);
    await y.data();
    y.dispose();
  };
}

/** Softmax over the last axis of a `[rows, cols]` tensor; reads the result. */
export function tfjsSoftmax(shape: [number, number]): () => Promise<void> {
  const tx = tf.randomNormal(shape);
  return async () => {
    const y = tf.softmax(tx);
    await y.data();
    y.dispose();
  };
}

/** `steps` SGD steps of the 784-256-10 ReLU MLP on one batch, then one read of the loss. */
export function tfjsMlpSteps(batch: number, steps: number): () => Promise<number> {
  const x = tf.randomUniform([batch, 784]);
  const labels = tf.cast(tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32'), 10), 'float32');
  const w1 = tf.variable(tf.randomNormal([784, 256], 0, 0.05));
  const b1 = tf.variable(tf.zeros([256]));
  const w2 = tf.variable(tf.randomNormal([256, 10], 0, 0.05));
  const b2 = tf.variable(tf.zeros([10]));
  const lr = 0.01;
  return async () => {
    let loss: tf.Scalar | null = null;
    for (let s = 0; s < steps; s++) {
      loss?.dispose();
      loss = tf.tidy(() => {
        const z1 = tf.add(tf.matMul(x, w1), b1);
        const h = tf.relu(z1);
        const logits = tf.add(tf.matMul(h, w2), b2);
        const logp = tf.logSoftmax(logits);
        const l = tf.neg(tf.mean(tf.sum(tf.mul(labels, logp), 1)));
        const dLogits = tf.div(tf.sub(tf.exp(logp), labels), batch);
        const dW2 = tf.matMul(h, dLogits, true, false);
        const dH = tf.mul(tf.matMul(dLogits, w2, false, true), tf.step(z1));
        const dW1 = tf.matMul(x, dH, true, false);
        w2.assign(tf.sub(w2, tf.mul(dW2, lr)));
        b2.assign(tf.sub(b2, tf.mul(tf.sum(dLogits, 0), lr)));
        w1.assign(tf.sub(w1, tf.mul(dW1, lr)));
        b1.assign(tf.sub(b1, tf.mul(tf.sum(dH, 0), lr)));
        return l as tf.Scalar;
      });
    }
    const v = (await loss!.data())[0];
    loss!.dispose();
    return v;
  };
}
