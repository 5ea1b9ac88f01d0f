// The gradient oracle of a tensor-gpu module on a whole data split: chunked, float64 on the host.
import * as t from '@nnlab/tensor-gpu';
import { moduleLayout, uploadParameters, type ModuleParameters } from '../layout/module';
import type { ParameterLayout } from '../layout/layout';
import type { GradientOracle, LossAndGradient } from '../types';
import { addWeighted, planChunks, type ChunkPlan } from './chunks';
import { enterEvaluationMode, type BatchNormMode } from './modes';

/** Options of {@link moduleOracle}. */
export interface ModuleOracleOptions {
  /** The whole split the loss is decomposed on (e.g. the training split). */
  data: t.train.LabeledData;
  /** Shape of one sample as the model takes it (default `data.shape`; `[784]` for an MLP on MNIST). */
  inputShape?: readonly number[];
  /** Samples per forward/backward pass (default 10,000; the reference used 11,000 on MNIST). */
  chunkSize?: number;
  /** Leave out the `count mod chunkSize` last samples, as the reference does (default false: exact mean). */
  dropRemainder?: boolean;
  /** The decomposed loss, a mean over the batch (default: softmax cross-entropy, no regulariser). */
  loss?: t.train.LossFunction;
  /** BatchNorm convention (default `'train'`: per-chunk statistics); see {@link BatchNormMode}. */
  bnMode?: BatchNormMode;
  /** Which parameters, in which order (default `moduleLayout(model)`: all of them). */
  parameters?: ModuleParameters;
  /** Keep the uploaded chunks on the device between calls (default true; false uploads them on every call). */
  cacheChunks?: boolean;
}

/** A {@link GradientOracle} bound to a module and a split; `dispose()` frees its cached chunks. */
export interface ModuleOracle extends GradientOracle {
  /** The flat layout of θ. */
  readonly layout: ParameterLayout;
  /** The parameters θ maps to. */
  readonly parameters: ModuleParameters;
  /** The chunks of the split. */
  readonly plan: ChunkPlan;
  /** Oracle calls so far. */
  readonly calls: number;
  /** Frees the chunks kept on the device. */
  dispose(): void;
}

interface Chunk {
  x: t.Tensor | null;
  labels: Int32Array;
}

/**
 * A gradient oracle for `model` on a whole split. Each call uploads θ (float64 on the host) as
 * float32 parameter values, swaps them into the model, and for each chunk, inside `t.tidy`,
 * takes the loss and its gradients with respect to the parameters (`t.train.lossAndGrads`); chunk losses and
 * gradients are read back and combined in float64 with the chunk weights of {@link planChunks}.
 * During the call every module is in eval mode (dropout off) except BatchNorm, which follows
 * `bnMode`; the model's parameters, training flags and running statistics are restored before
 * it returns. Not re-entrant: await each call before the next, and do not train meanwhile.
 */
export function moduleOracle(model: t.nn.Module, options: ModuleOracleOptions): ModuleOracle {
  const owner = 'moduleOracle';
  const { sampleSize, inputShape } = t.train.checkLabeledData(options.data, owner, 'data', options.inputShape);
  const params = options.parameters ?? moduleLayout(model);
  const { layout } = params;
  const plan = planChunks(options.data.count, options.chunkSize ?? Math.min(10_000, options.data.count), options.dropRemainder ?? false);
  const lossFn: t.train.LossFunction = options.loss ?? ((output, labels) => t.crossEntropy(output, labels));
  const bnMode = options.bnMode ?? 'train';
  if (bnMode !== 'train' && bnMode !== 'eval') throw new Error(`${owner}: bnMode must be 'train' or 'eval', got ${JSON.stringify(bnMode)}`);
  const cache = options.cacheChunks ?? true;
  const chunks: Chunk[] = plan.starts.map((start, c) => ({ x: null, labels: Int32Array.from(options.data.labels.subarray(start, start + plan.sizes[c])) }));
  const upload = (c: number) => {
    const start = plan.starts[c];
    const n = plan.sizes[c];
    return t.tensor(options.data.images.subarray(start * sampleSize, (start + n) * sampleSize), [n, ...inputShape]);
  };
  let calls = 0;
  let busy = false;
  let disposed = false;

  const evaluate = async (theta: Float64Array): Promise<LossAndGradient> => {
    if (disposed) throw new Error(`${owner}: the oracle was disposed`);
    if (busy) throw new Error(`${owner}: a call is still running; await it before the next`);
    if (!(theta instanceof Float64Array) || theta.length !== layout.size) throw new Error(`${owner}: θ must be a Float64Array of ${layout.size} values`);
    busy = true;
    calls++;
    const weights = uploadParameters(theta, layout);
    const originals = params.parameters.map((p) => p.value);
    params.parameters.forEach((p, i) => (p.value = weights[i]));
    const restore = enterEvaluationMode(model, bnMode);
    const grad = new Float64Array(layout.size);
    let loss = 0;
    try {
      for (let c = 0; c < chunks.length; c++) {
        const chunk = chunks[c];
        const x = chunk.x ?? upload(c);
        if (cache) chunk.x = x;
        let value: t.Tensor | null = null;
        let grads: t.Tensor[] = [];
        try {
          const vg = t.tidy(() => t.train.lossAndGrads(model, x, chunk.labels, { loss: lossFn, parameters: params.parameters }));
          value = vg.loss;
          grads = vg.grads;
          const [l, ...gs] = await Promise.all([value.data(), ...grads.map((g) => g.data())]);
          loss += plan.weights[c] * l[0];
          layout.tensors.forEach((slot, i) => addWeighted(grad, gs[i], plan.weights[c], slot.offset));
        } finally {
          value?.dispose();
          for (const g of grads) g.dispose();
          if (!cache) x.dispose();
        }
      }
    } finally {
      restore();
      params.parameters.forEach((p, i) => (p.value = originals[i]));
      for (const w of weights) w.dispose();
      busy = false;
    }
    return { loss, grad };
  };

  const oracle = evaluate as ModuleOracle;
  Object.defineProperties(oracle, {
    layout: { value: layout, enumerable: true },
    parameters: { value: params, enumerable: true },
    plan: { value: plan, enumerable: true },
    calls: { get: () => calls, enumerable: true },
    dispose: {
      value: () => {
        disposed = true;
        for (const c of chunks) {
          c.x?.dispose();
          c.x = null;
        }
      },
    },
  });
  return oracle;
}
