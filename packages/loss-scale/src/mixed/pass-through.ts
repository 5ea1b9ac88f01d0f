import * as t from '@nnlab/tensor-gpu';
import type { BackwardPass } from './backward-pass';

/**
 * Runs `fn` (an activation, pooling, reshape, batch norm, or any module treated as a whole) between
 * two identity ops that carry the scale across it: the gradient leaving `fn` carries the scale of
 * the gradient entering it. The output is cast to float16 (batch norm computes in float32 with its
 * float32 parameters). The scale seen is stored under `name`, so that the gradients of parameters
 * inside `fn` can be unscaled after the backward pass.
 */
export function passThrough(name: string, pass: BackwardPass, x: t.Tensor, fn: (x: t.Tensor) => t.Tensor): t.Tensor {
  const seen: { scale?: t.Tensor | number } = {};
  const enter = t.customGrad(
    (a: t.Tensor) => t.reshape(a, a.shape),
    (dy, { inputs: [a] }) => {
      if (seen.scale === undefined) throw new Error(`mixed model: the gradient reached the input of '${name}' before its output`);
      pass.setScale(a, seen.scale);
      return [t.cast(dy, a.dtype)];
    },
  );
  const exit = t.customGrad(
    (a: t.Tensor) => t.cast(a, 'float16'),
    (dy, { inputs: [a], output }) => {
      seen.scale = pass.scaleOf(output, `'${name}'`);
      pass.wholeModuleScales.set(name, seen.scale);
      return [t.cast(t.cast(dy, 'float16'), a.dtype)];
    },
  );
  return exit(fn(enter(x)));
}

/**
 * The model's float16 logits as float32 for the loss. Backward: the loss gradient is multiplied
 * by the loss scale s₀ in float32 and rounded to float16, which is where loss scaling starts.
 */
export function lossScaled(logits: t.Tensor, lossScale: number, pass: BackwardPass): t.Tensor {
  const op = t.customGrad(
    (a: t.Tensor) => t.cast(a, 'float32'),
    (dy, { inputs: [a] }) => {
      pass.setScale(a, lossScale);
      const scaled = lossScale === 1 ? t.cast(dy, 'float32') : t.mul(t.cast(dy, 'float32'), lossScale);
      pass.lossGrad = pass.fate(scaled);
      return [t.cast(scaled, 'float16')];
    },
  );
  return op(logits);
}
