// A float64 ReLU MLP with softmax cross-entropy, forward and backward by hand: the exact oracle.
import * as t from '@nnlab/tensor-gpu';
import type { LayoutEntry } from '../layout/layout';
import { addWeighted, planChunks } from '../oracle/chunks';
import type { GradientOracle } from '../types';

/** Layout of the MLP through `widths`: `'0.weight'` [w1, w0], `'0.bias'`, `'2.weight'`, … (Sequential naming). */
export function mlpEntries(widths: readonly number[]): LayoutEntry[] {
  const out: LayoutEntry[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    out.push({ name: `${2 * l}.weight`, shape: [widths[l + 1], widths[l]] }, { name: `${2 * l}.bias`, shape: [widths[l + 1]] });
  }
  return out;
}

/** He-normal weights and zero biases, seeded, float32-representable. */
export function initMlp(widths: readonly number[], seed: number): Float64Array {
  const rng = t.data.createRng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const parts: number[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const std = Math.sqrt(2 / widths[l]);
    for (let k = 0; k < widths[l] * widths[l + 1]; k++) parts.push(Math.fround(std * gauss()));
    for (let k = 0; k < widths[l + 1]; k++) parts.push(0);
  }
  return Float64Array.from(parts);
}

/** Mean cross-entropy and its gradient over samples `index[0..n)` of `data`, in float64. */
export function mlpLossAndGrad(widths: readonly number[], theta: Float64Array, data: t.train.LabeledData, index: ArrayLike<number>): { loss: number; grad: Float64Array } {
  const L = widths.length - 1;
  const offsets: number[] = [];
  let o = 0;
  for (let l = 0; l < L; l++) {
    offsets.push(o);
    o += widths[l] * widths[l + 1] + widths[l + 1];
  }
  const grad = new Float64Array(theta.length);
  const n = index.length;
  const f0 = widths[0];
  let loss = 0;
  const acts: Float64Array[] = new Array(L + 1);
  for (let s = 0; s < n; s++) {
    const i = index[s];
    acts[0] = Float64Array.from(data.images.subarray(i * f0, (i + 1) * f0));
    for (let l = 0; l < L; l++) {
      const [inF, outF] = [widths[l], widths[l + 1]];
      const w = offsets[l];
      const b = w + inF * outF;
      const z = new Float64Array(outF);
      for (let u = 0; u < outF; u++) {
        let v = theta[b + u];
        for (let k = 0; k < inF; k++) v += theta[w + u * inF + k] * acts[l][k];
        z[u] = l < L - 1 ? Math.max(0, v) : v;
      }
      acts[l + 1] = z;
    }
    const logits = acts[L];
    const m = Math.max(...logits);
    let se = 0;
    for (const v of logits) se += Math.exp(v - m);
    const lse = m + Math.log(se);
    const y = data.labels[i];
    loss += lse - logits[y];
    let delta = Float64Array.from(logits, (v, c) => Math.exp(v - lse) - (c === y ? 1 : 0));
    for (let l = L - 1; l >= 0; l--) {
      const [inF, outF] = [widths[l], widths[l + 1]];
      const w = offsets[l];
      const b = w + inF * outF;
      const prev = new Float64Array(inF);
      for (let u = 0; u < outF; u++) {
        const du = delta[u];
        if (du === 0) continue;
        grad[b + u] += du;
        for (let k = 0; k < inF; k++) {
          grad[w + u * inF + k] += du * acts[l][k];
          prev[k] += du * theta[w + u * inF + k];
        }
      }
      if (l > 0) for (let k = 0; k < inF; k++) if (acts[l][k] <= 0) prev[k] = 0;
      delta = prev;
    }
  }
  for (let j = 0; j < grad.length; j++) grad[j] /= n;
  return { loss: loss / n, grad };
}

/** The float64 oracle on the whole of `data`, in chunks weighted by size (as `moduleOracle`). */
export function mlpOracle(widths: readonly number[], data: t.train.LabeledData, chunkSize = data.count, dropRemainder = false): GradientOracle {
  const plan = planChunks(data.count, chunkSize, dropRemainder);
  return async (theta) => {
    const grad = new Float64Array(theta.length);
    let loss = 0;
    plan.starts.forEach((start, c) => {
      const idx = Uint32Array.from({ length: plan.sizes[c] }, (_, j) => start + j);
      const r = mlpLossAndGrad(widths, theta, data, idx);
      loss += plan.weights[c] * r.loss;
      addWeighted(grad, r.grad, plan.weights[c]);
    });
    return { loss, grad };
  };
}

/** Mini-batch SGD with momentum (PyTorch's rule) in float64; returns θ_0 … θ_steps. */
export function trainMlp64(widths: readonly number[], data: t.train.LabeledData, options: { lr: number; momentum: number; batchSize: number; steps: number; seed: number }): Float64Array[] {
  const theta = initMlp(widths, options.seed);
  const buf = new Float64Array(theta.length);
  const out = [theta.slice()];
  const order = t.data.permutation(data.count, options.seed + 1);
  let pos = 0;
  for (let s = 0; s < options.steps; s++) {
    if (pos + options.batchSize > data.count) {
      t.data.shuffleInPlace(order, options.seed + s);
      pos = 0;
    }
    const { grad } = mlpLossAndGrad(widths, theta, data, order.subarray(pos, pos + options.batchSize));
    pos += options.batchSize;
    for (let i = 0; i < theta.length; i++) {
      buf[i] = s === 0 ? grad[i] : options.momentum * buf[i] + grad[i];
      theta[i] -= options.lr * buf[i];
    }
    out.push(theta.slice());
  }
  return out;
}
