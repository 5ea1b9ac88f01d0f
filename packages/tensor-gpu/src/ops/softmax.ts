import { fmt, normAxis } from '../shape';
import { Tensor } from '../tensor';
import { elementwise, exp, log, mul, neg, sub } from './elementwise';
import { reshape } from './layout';
import { max, mean, sum } from './reduce';
import { fromHost } from './creation';
import { softmaxGradKernel, softmaxKernel, type SoftmaxParams } from '../kernels/softmax';
import { checkTensor, resultDtype, runKernel } from './run';

/** Runs a composite op: drops its intermediates unless a gradient tape still needs them. */
function composite<T>(x: Tensor, fn: () => T): T {
  return x.engine.tidy(fn);
}

/** The input shifted by its (constant) maximum along `axis`, for numerically stable exponentials. */
function shifted(x: Tensor, axis: number): Tensor {
  const m = x.engine.noGrad(() => max(x, axis, true));
  return sub(x, m);
}

/**
 * True where a backend has a fused kernel for softmax over the last axis of a float32 tensor (the
 * webgpu backend's workgroup-per-row kernel); elsewhere the composite of max, exp, sum and log,
 * whose primitives have kernels on every backend, runs instead.
 */
function fusedRows(x: Tensor, ax: number): boolean {
  return ax === x.rank - 1 && x.size > 0 && x.dtype === 'float32' && x.engine.currentDevice().backend === 'webgpu' && x.engine.kernels.wgslImplementation('softmaxRows') !== undefined;
}

/**
 * Softmax or log-softmax over the last axis as one kernel. Its gradient is one kernel too, except
 * while a tape records the backward pass itself (a higher-order gradient), which takes the
 * differentiable composite of the same formula.
 */
function softmaxRows(x: Tensor, log: boolean): Tensor {
  const cols = x.shape[x.rank - 1];
  const p: SoftmaxParams = { rows: x.size / cols, cols, log };
  const engine = x.engine;
  const y = runKernel(engine, softmaxKernel(p), [x], x.shape, 'float32');
  engine.record(y, [x], (dy) => {
    if (!engine.recording) return [runKernel(engine, softmaxGradKernel(p), [y, dy], x.shape, resultDtype(y, dy))];
    const ax = x.rank - 1;
    return [composite(x, () => (log ? sub(dy, mul(exp(y), sum(dy, ax, true))) : mul(y, sub(dy, sum(mul(dy, y), ax, true)))))];
  });
  return y;
}

/** Log of the softmax along `axis` (default last), computed stably. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  checkTensor(x, 'logSoftmax');
  const ax = normAxis(axis, x.rank, 'logSoftmax');
  if (fusedRows(x, ax)) return softmaxRows(x, true);
  return composite(x, () => {
    const z = shifted(x, ax);
    return sub(z, log(sum(exp(z), ax, true)));
  });
}

/**
 * Softmax along `axis` (default last), computed stably.
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 *
 * const p = t.softmax(t.tensor([[1, 2, 3]]));
 * console.log(Array.from(await p.data(), (v) => v.toFixed(4))); // → [ '0.0900', '0.2447', '0.6652' ]
 * ```
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  checkTensor(x, 'softmax');
  const ax = normAxis(axis, x.rank, 'softmax');
  if (fusedRows(x, ax)) return softmaxRows(x, false);
  return composite(x, () => exp(logSoftmax(x, ax)));
}

/**
 * Mean softmax cross-entropy over a batch: `logits` `[B, C]`, `labels` integer class ids (`[B]`
 * as an array, typed array or tensor of whole numbers in `[0, C)`).
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 *
 * const logits = t.tensor([[2, 0, 0], [0, 0, 2]]);
 * const loss = t.crossEntropy(logits, [0, 2]); // both samples favour their label
 * console.log((await loss.data())[0].toFixed(4)); // → 0.2395
 * ```
 */
export function crossEntropy(logits: Tensor, labels: Tensor | ArrayLike<number>): Tensor {
  checkTensor(logits, 'crossEntropy', 'logits');
  if (logits.rank !== 2) throw new Error(`crossEntropy: logits must be [batch, classes], got ${fmt(logits.shape)}`);
  const [batch, classes] = logits.shape;
  if (labels instanceof Tensor) {
    if (labels.rank !== 1 || labels.shape[0] !== batch) {
      throw new Error(`crossEntropy: labels must be [${batch}] to match logits ${fmt(logits.shape)}, got ${fmt(labels.shape)}`);
    }
    return composite(logits, () => {
      const ids = reshape(labels, [batch, 1]);
      const classIds = fromHost(logits.engine, Float32Array.from({ length: classes }, (_, i) => i), [1, classes]);
      return neg(mean(sum(mul(logSoftmax(logits, 1), elementwise('equal', ids, classIds)), 1)));
    });
  }
  const ids = Array.from(labels);
  if (ids.length !== batch) throw new Error(`crossEntropy: got ${ids.length} labels for a batch of ${batch}`);
  const oneHot = new Float32Array(batch * classes);
  ids.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new Error(`crossEntropy: label ${c} at index ${i} is not a class id in [0, ${classes})`);
    }
    oneHot[i * classes + c] = 1;
  });
  return composite(logits, () => neg(mean(sum(mul(logSoftmax(logits, 1), fromHost(logits.engine, oneHot, [batch, classes])), 1))));
}

