import * as t from '@nnlab/tensor-gpu';
import { BackwardPass, type PendingFate } from '../mixed/backward-pass';
import { convertModel, type MixedStructure } from '../mixed/convert';
import { lossScaled } from '../mixed/pass-through';
import type { ScaleValue } from '../mixed/scale-value';
import { adaptiveScaling } from '../policy/adaptive';
import type { LossScalePolicy } from '../policy/types';
import { ScaleRecorder, type LayerStepRecord, type StepRecord } from '../record/recorder';

/** Options of {@link MixedPrecisionTrainer}. */
export interface MixedPrecisionOptions {
  /** `'float16'` (default): emulated mixed precision; `'float32'`: the single-precision baseline (no scaling, same loop). */
  precision?: 'float16' | 'float32';
  /** The loss-scaling policy (default `adaptiveScaling()`); ignored in float32. */
  policy?: LossScalePolicy;
  /** The loss on float32 logits (default mean softmax cross-entropy). */
  loss?: t.train.LossFunction;
  /** Record per-layer scales and underflow/overflow rates every this many steps (default 1; 0: never). */
  recordEvery?: number;
  /**
   * Where Linear/Conv2d parameter gradients are divided by their scale: `'float32'` (default, the
   * spec's project choice) or `'float16'` (the reference's choice; small gradients can flush again).
   */
  unscaleIn?: 'float32' | 'float16';
}

/** What one {@link MixedPrecisionTrainer.step} returns. */
export type StepResult = StepRecord;


/**
 * Mixed-precision training of a tensor-gpu model: forward and backward on emulated float16 values
 * (activations, weights cast from float32 master weights, gradients), the loss gradient multiplied
 * by the policy's scale s₀, per-layer scales α inside the backward, weight gradients unscaled in
 * float32, and the update skipped when any gradient is not finite.
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 * import { dynamicScaling, MixedPrecisionTrainer } from '@nnlab/loss-scale';
 *
 * const model = new t.nn.Sequential(new t.nn.Linear(4, 8, { seed: 1 }), new t.nn.ReLU(), new t.nn.Linear(8, 3, { seed: 2 }));
 * const trainer = new MixedPrecisionTrainer(model, t.optim.sgd({ lr: 0.1 }), { policy: dynamicScaling() });
 * const x = t.rand([16, 4], { seed: 3 });
 * const labels = Int32Array.from({ length: 16 }, (_, i) => i % 3);
 * const step = await trainer.step(x, labels); // float16 forward and backward, float32 update
 * console.log(step.skipped, step.lossScale); // → false 1
 * trainer.dispose();
 * ```
 */
export class MixedPrecisionTrainer<O extends t.optim.StepOptimizer = t.optim.Optimizer> {
  /** The recorded steps (every step's loss and scale; per-layer data every `recordEvery` steps). */
  readonly recorder = new ScaleRecorder();
  /** The precision of the forward and backward passes. */
  readonly precision: 'float16' | 'float32';
  /** The loss-scaling policy (owned: disposed with the trainer). */
  readonly policy: LossScalePolicy;
  private readonly structure: MixedStructure | null;
  private readonly lossFn: t.train.LossFunction;
  private readonly recordEvery: number;
  private readonly unscaleIn: 'float32' | 'float16';
  private readonly params: t.nn.Parameter[];
  private readonly wholeModuleOf = new Map<t.nn.Parameter, string>();
  private iteration = 0;
  private skipped = 0;

  constructor(
    /** The model (float32 master weights; updated in place by the optimizer). */
    readonly model: t.nn.Module,
    /**
     * The optimizer applied to the unscaled float32 gradients: any update rule with `step` (a
     * tensor-gpu optimizer, or a `StepOptimizer` of your own).
     */
    readonly optimizer: O,
    options: MixedPrecisionOptions = {},
  ) {
    if (!(model instanceof t.nn.Module)) throw new Error('MixedPrecisionTrainer: model must be a tensor-gpu nn.Module');
    if (!optimizer || typeof optimizer.step !== 'function') throw new Error('MixedPrecisionTrainer: optimizer must be a tensor-gpu optimizer');
    this.precision = options.precision ?? 'float16';
    if (this.precision !== 'float16' && this.precision !== 'float32') throw new Error(`MixedPrecisionTrainer: precision must be 'float16' or 'float32', got ${JSON.stringify(options.precision)}`);
    const recordEvery = options.recordEvery ?? 1;
    if (!Number.isInteger(recordEvery) || recordEvery < 0) throw new Error(`MixedPrecisionTrainer: recordEvery must be an integer ≥ 0, got ${String(options.recordEvery)}`);
    if (options.loss !== undefined && typeof options.loss !== 'function') throw new Error('MixedPrecisionTrainer: loss must be a function (logits, labels) => scalar tensor');
    this.recordEvery = recordEvery;
    this.unscaleIn = options.unscaleIn ?? 'float32';
    if (this.unscaleIn !== 'float32' && this.unscaleIn !== 'float16') throw new Error(`MixedPrecisionTrainer: unscaleIn must be 'float32' or 'float16', got ${JSON.stringify(options.unscaleIn)}`);
    this.lossFn = options.loss ?? t.train.softmaxCrossEntropy;
    this.policy = options.policy ?? adaptiveScaling();
    this.structure = this.precision === 'float16' ? convertModel(model) : null;
    this.params = model.trainableParameters();
    for (const [name, ps] of this.structure?.wholeModules ?? []) for (const p of ps) this.wholeModuleOf.set(p, name);
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.iteration;
  }

  /** Steps whose update was skipped because a gradient was not finite. */
  get skippedSteps(): number {
    return this.skipped;
  }

  /** Names of the Linear/Conv2d layers that scale their gradients (float16 only), in forward order. */
  get scaledLayers(): readonly string[] {
    return this.structure?.scaledLayers ?? [];
  }

  /** One training step on a batch `x` (float32, the model's input shape) with class ids `labels`. */
  async step(x: t.Tensor, labels: Int32Array): Promise<StepResult> {
    if (!(x instanceof t.Tensor)) throw new Error('MixedPrecisionTrainer.step: x must be a Tensor');
    if (!(labels instanceof Int32Array) || labels.length !== x.shape[0]) {
      throw new Error(`MixedPrecisionTrainer.step: labels must be an Int32Array with one entry per sample (${x.shape[0]}), got ${labels instanceof Int32Array ? labels.length : typeof labels}`);
    }
    const iteration = this.iteration;
    const lossScale = this.structure ? this.policy.lossScale() : 1;
    const record = this.structure !== null && this.recordEvery > 0 && iteration % this.recordEvery === 0;
    const pass = new BackwardPass(this.policy, iteration, record, this.unscaleIn);
    const values = this.params.map((p) => p.value);
    let grads: t.Tensor[] = [];
    let value: t.Tensor | null = null;
    try {
      const structure = this.structure;
      const forward = (input: t.Tensor): t.Tensor => (structure ? lossScaled(structure.forward(t.cast(input, 'float16'), pass), lossScale, pass) : this.model.forward(input));
      const result = t.valueAndGrad((_params: t.Tensor[]) => this.lossFn(forward(x), labels))(values);
      value = result.value;
      grads = result.grads[0];
      grads = grads.map((g, i) => this.unscaleWholeModule(g, this.params[i], pass));
      const finite = await allFinite(grads);
      if (finite) this.optimizer.step(this.params, grads);
      else this.skipped++;
      if (this.structure) this.policy.endStep(finite);
      const loss = (await value.data())[0];
      const { layers, lossGrad } = record ? await readLayers(pass) : { layers: [], lossGrad: null };
      const step: StepRecord = { iteration, loss, lossScale, skipped: !finite, lossGrad, layers };
      this.recorder.add(step);
      return step;
    } finally {
      this.iteration++;
      value?.dispose();
      for (const g of grads) g.dispose();
      pass.dispose();
    }
  }

  /**
   * The model in evaluation precision as a module (float32 in, float32 logits out; float16 inside
   * when training in float16), for `t.train.evaluate`. It shares the model's parameters.
   */
  inferenceModel(): t.nn.Module {
    return new InferenceModel(this.model, this.structure, this.policy);
  }

  /** Frees the policy's tensors (the model and the optimizer belong to the caller). */
  dispose(): void {
    this.policy.dispose();
  }

  private unscaleWholeModule(g: t.Tensor, p: t.nn.Parameter, pass: BackwardPass): t.Tensor {
    const name = this.wholeModuleOf.get(p);
    if (name === undefined) return g;
    const scale = pass.wholeModuleScales.get(name);
    if (scale === undefined || scale === 1) return g;
    const out = t.div(g, scale);
    g.dispose();
    return out;
  }
}

/** Float16 (or float32) inference through the converted model. */
class InferenceModel extends t.nn.Module {
  constructor(
    model: t.nn.Module,
    private readonly structure: MixedStructure | null,
    private readonly policy: LossScalePolicy,
  ) {
    super();
    this.addModule('model', model);
  }

  forward(x: t.Tensor): t.Tensor {
    const model = this.namedChildren()[0][1];
    if (!this.structure) return model.forward(x);
    const structure = this.structure;
    const pass = new BackwardPass(this.policy, 0, false);
    try {
      return t.tidy(() => t.cast(structure.forward(t.cast(x, 'float16'), pass), 'float32'));
    } finally {
      pass.dispose();
    }
  }

  override dispose(): void {
    // The wrapped model belongs to the trainer's caller.
  }
}

/** True when every gradient is finite (one number is read back). */
async function allFinite(grads: readonly t.Tensor[]): Promise<boolean> {
  if (grads.length === 0) return true;
  const flag = t.tidy(() => t.min(t.stack(grads.map((g) => t.min(t.isFinite(g))))));
  const [v] = await flag.data();
  flag.dispose();
  return v === 1;
}

/** Reads every layer record of a pass back in one transfer; returns them in forward order. */
async function readLayers(pass: BackwardPass): Promise<{ layers: LayerStepRecord[]; lossGrad: t.Float16Stats | null }> {
  const parts: t.Tensor[] = [];
  const slot = (v: ScaleValue | PendingFate | null): number | null => {
    if (v === null) return null;
    if (typeof v === 'number') return null;
    const tensor = v instanceof t.Tensor ? v : v.counts;
    parts.push(tensor);
    return parts.length - 1;
  };
  const lossSlot = slot(pass.lossGrad);
  const plan = pass.layers.map((l) => ({ l, alpha: slot(l.alpha), incoming: slot(l.incoming), input: slot(l.inputGrad), weight: slot(l.weightGrad) }));
  const offsets: number[] = [];
  let total = 0;
  for (const p of parts) {
    offsets.push(total);
    total += p.size;
  }
  const flat = parts.length === 0 ? new Float32Array(0) : await readConcatenated(parts);
  const scalar = (v: ScaleValue, k: number | null) => (k === null ? (v as number) : flat[offsets[k]]);
  const fate = (v: PendingFate | null, k: number | null) => (v === null || k === null ? null : t.float16StatsFromCounts(v.count, flat, offsets[k]));
  const layers = plan
    .map(({ l, alpha, incoming, input, weight }) => ({
      layer: l.layer,
      kind: l.kind,
      alpha: scalar(l.alpha, alpha),
      incomingScale: scalar(l.incoming, incoming),
      inputGrad: fate(l.inputGrad, input),
      weightGrad: fate(l.weightGrad, weight),
    }))
    .reverse();
  return { layers, lossGrad: fate(pass.lossGrad, lossSlot) };
}

async function readConcatenated(parts: t.Tensor[]): Promise<Float32Array> {
  const all = t.tidy(() => t.concat(parts.map((p) => t.reshape(t.cast(p, 'float32'), [p.size]))));
  try {
    return await all.data();
  } finally {
    all.dispose();
  }
}
