import { fmt, normAxis } from '../shape';
import { Tensor } from '../tensor';
import { elementwise, exp, log, mul, neg, sub } from './elementwise';
import { reshape } from './layout';
import { max, mean, sum } from './reduce';
import { fromHost } from './creation';
import { softmaxKernel, type SoftmaxOp } from '../kernels/softmax';
import { checkTensor, runKernel } from './run';

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
/**
 * True where the current backend has its own implementation of the row-wise primitive `op`
 * (host loops or WebAssembly SIMD on cpu, WGSL on webgpu) and `x` is float32 over the last axis.
 * Elsewhere the composite of max, exp, sum and log runs: gpu.js's one-output-per-thread source of
 * the primitive rescans the row for every output, quadratic in the row length. float16 tensors keep
 * the composite, which rounds every step to binary16 as fp16 hardware would.
 */
function rowwise(x: Tensor, axis: number, op: SoftmaxOp): boolean {
  if (x.dtype !== 'float32' || axis !== x.rank - 1 || x.size === 0) return false;
  const backend = x.engine.currentDevice().backend;
  const kernels = x.engine.kernels;
  return backend === 'webgpu' ? kernels.wgslImplementation(op) !== undefined : kernels.implementation(op, backend) !== undefined;
}

/**
 * A row-wise forward primitive over the last axis, recording the gradient primitive: `dx` from
 * `dy` and the output. While a tape records the backward pass itself (a higher-order gradient),
 * the gradient is the differentiable composite of the same formula.
 */
function rowwiseOp(op: 'softmax' | 'logSoftmax', grad: SoftmaxOp, x: Tensor): Tensor {
  const cols = x.shape[x.rank - 1];
  const rows = x.size / cols;
  const engine = x.engine;
  const y = runKernel(engine, softmaxKernel(op, rows, cols), [x], x.shape);
  engine.record(y, [x], (dy) => {
    if (!engine.recording) return [runKernel(engine, softmaxKernel(grad, rows, cols), [dy, y], x.shape)];
    const ax = x.rank - 1;
    return [composite(x, () => (op === 'logSoftmax' ? sub(dy, mul(exp(y), sum(dy, ax, true))) : mul(y, sub(dy, sum(mul(dy, y), ax, true)))))];
  });
  return y;
}

/**
 * Log of the softmax along `axis` (default last), computed stably. Over the last axis of a float32
 * tensor it is one primitive where the backend has its own kernel for it (one pass per row on cpu,
 * a workgroup or thread per row on webgpu); elsewhere it is composed of max, exp, sum and log.
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  checkTensor(x, 'logSoftmax');
  const ax = normAxis(axis, x.rank, 'logSoftmax');
  if (rowwise(x, ax, 'logSoftmax')) return rowwiseOp('logSoftmax', 'logSoftmaxGrad', x);
  return composite(x, () => {
    const z = shifted(x, ax);
    return sub(z, log(sum(exp(z), ax, true)));
  });
}

/**
 * Softmax along `axis` (default last), computed stably; over the last axis of a float32 tensor one
 * primitive where the backend has its own kernel for it, like {@link logSoftmax}.
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
  if (rowwise(x, ax, 'softmax')) return rowwiseOp('softmax', 'softmaxGrad', x);
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

