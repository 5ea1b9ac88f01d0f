import * as t from '@nnlab/tensor-gpu';
import { buildModel, layerShapes, type Architecture } from './architecture';
import { buildPackedModel } from './packed-network';
import { resolveConfig, type ModelConfig, type ResolvedConfig } from './config';
import { maskedPackedCrossEntropy } from './masked-loss';
import { packedUpdate, type PackedUpdate } from './packed-optimizer';
import type { PackedNetwork } from './packed-network';

/**
 * One training step's input for a pack. `x` is shared by every model (`[B, ...sample]`, labels:
 * B ids) or per model (`[K, B, ...sample]`, labels: K·B ids, model-major). Model k trains on its
 * first `rows[k]` rows (default: its config's batch size, capped at B); the rows after are
 * padding and never touch its gradient.
 */
export interface PackBatch {
  /** The input: shared `[B, ...]` or per model `[K, B, ...]`. */
  x: t.Tensor;
  /** Class ids: B shared or K·B per model. */
  labels: ArrayLike<number>;
  /** Rows each model uses (default `min(batchSize_k, B)`). */
  rows?: readonly number[];
  /** Models that update in this step (default all); the others keep their parameters. */
  active?: readonly boolean[];
}

/**
 * K models of one architecture trained together: parameters stacked on a leading model axis, one
 * packed forward, backward and optimiser update per step. Create with {@link pack}; free with
 * {@link PackedModels.dispose}.
 */
export class PackedModels {
  /** The packed network (`[K, ...]` parameters). */
  readonly network: PackedNetwork;
  /** The configs with defaults filled in, in model order. */
  readonly configs: readonly ResolvedConfig[];
  private readonly update: PackedUpdate;
  private readonly sampleShape: readonly number[];
  private disposed = false;

  constructor(
    /** The architecture every model shares. */
    readonly architecture: Architecture,
    configs: readonly ModelConfig[],
  ) {
    layerShapes(architecture);
    if (!Array.isArray(configs) || configs.length === 0) throw new Error('pack: configs must be a non-empty array of model configs');
    this.configs = configs.map(resolveConfig);
    this.sampleShape = architecture.inputShape;
    // The update checks that the configs can share one fused optimiser before any tensor exists.
    this.update = packedUpdate(this.configs);
    this.network = buildPackedModel(architecture, this.configs.map((c) => c.seed));
  }

  /** Number of models K. */
  get size(): number {
    return this.configs.length;
  }

  /** The largest configured batch size (the rows a shared batch must have), or undefined when none is set. */
  get maxBatchSize(): number | undefined {
    const sizes = this.configs.map((c) => c.batchSize).filter((b): b is number => b !== undefined);
    return sizes.length ? Math.max(...sizes) : undefined;
  }

  private checkLive(op: string): void {
    if (this.disposed) throw new Error(`PackedModels.${op}: the pack was disposed`);
  }

  private checkInput(x: t.Tensor, op: string): { shared: boolean; batch: number } {
    if (!(x instanceof t.Tensor)) throw new Error(`PackedModels.${op}: x must be a Tensor`);
    const s = this.sampleShape;
    const tail = (from: number) => x.shape.slice(from).every((d, i) => d === s[i]) && x.rank - from === s.length;
    if (x.rank === s.length + 1 && tail(1)) return { shared: true, batch: x.shape[0] };
    if (x.rank === s.length + 2 && x.shape[0] === this.size && tail(2)) return { shared: false, batch: x.shape[1] };
    throw new Error(`PackedModels.${op}: x must be [B, ${s}] (shared) or [${this.size}, B, ${s}] (per model), got [${x.shape}]`);
  }

  /** Packed logits `[K, B, C]`. */
  forward(x: t.Tensor): t.Tensor {
    this.checkLive('forward');
    this.checkInput(x, 'forward');
    return this.network.forward(x);
  }

  /**
   * One packed training step: forward, backward and update for all K models. Returns the per-model
   * losses `[K]` without reading them back (the caller disposes the tensor); use
   * {@link PackedModels.trainStep} to read them.
   */
  step(batch: PackBatch): t.Tensor {
    this.checkLive('step');
    const { batch: rowsFed } = this.checkInput(batch.x, 'step');
    const rows = batch.rows ?? this.configs.map((c) => Math.min(c.batchSize ?? rowsFed, rowsFed));
    const active = batch.active ?? this.configs.map(() => true);
    if (active.length !== this.size) throw new Error(`PackedModels.step: active must have one entry per model (${this.size}), got ${active.length}`);
    const params = this.network.parameters();
    return t.tidy(() => {
      // The per-model losses are kept past the gradient's scopes: they are what the step returns.
      let losses: t.Tensor | undefined;
      const { grads } = t.valueAndGrad((..._values: t.Tensor[]) => {
        losses = t.keep(maskedPackedCrossEntropy(this.network.forward(batch.x), batch.labels, rows));
        return t.sum(losses);
      })(...params.map((p) => p.value));
      this.update.step(params, grads, active);
      return losses!;
    });
  }

  /** {@link PackedModels.step}, then reads the K losses back. */
  async trainStep(batch: PackBatch): Promise<Float32Array> {
    const losses = this.step(batch);
    try {
      return await losses.data();
    } finally {
      losses.dispose();
    }
  }

  /**
   * Accuracy of every model on `count` samples (`images`: count × sample values, `labels`: class
   * ids), evaluated in chunks of `batchSize` rows shared by all models.
   */
  async evaluate(images: Float32Array, labels: ArrayLike<number>, batchSize = 500): Promise<number[]> {
    this.checkLive('evaluate');
    const size = this.sampleShape.reduce((a, b) => a * b, 1);
    const count = labels.length;
    if (!(images instanceof Float32Array) || images.length !== count * size) throw new Error(`PackedModels.evaluate: images must be a Float32Array of labels.length × ${size} = ${count * size} values, got ${images?.length}`);
    if (count === 0) throw new Error('PackedModels.evaluate: no samples');
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`PackedModels.evaluate: batchSize must be a positive integer, got ${batchSize}`);
    const correct = new Array<number>(this.size).fill(0);
    this.network.eval();
    try {
      for (let start = 0; start < count; start += batchSize) {
        const n = Math.min(batchSize, count - start);
        const predicted = t.noGrad(() => t.tidy(() => t.argmax(this.network.forward(t.tensor(images.subarray(start * size, (start + n) * size), [n, ...this.sampleShape])), 2)));
        const ids = await predicted.data();
        predicted.dispose();
        for (let k = 0; k < this.size; k++) for (let i = 0; i < n; i++) if (ids[k * n + i] === labels[start + i]) correct[k]++;
      }
    } finally {
      this.network.train();
    }
    return correct.map((c) => c / count);
  }

  /** K independent models (`buildModel(architecture, seed_k)`) holding each model's current parameters. */
  unpack(): t.nn.Sequential[] {
    this.checkLive('unpack');
    const models = this.configs.map((c) => buildModel(this.architecture, c.seed));
    t.nn.unpackModels(this.network, models);
    return models;
  }

  /** Frees the packed parameters and the optimiser state. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.update.dispose();
    this.network.dispose();
  }
}

/**
 * Packs K configs of one architecture into one trainable unit: every step is one packed
 * forward/backward/update. Configs may differ in learning rate, momentum, weight decay, Adam
 * settings, seed and batch size (batch padding: see {@link PackBatch}); they must share the
 * optimiser kind.
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 * import { mlpArchitecture, pack } from '@nnlab/pack';
 *
 * const models = pack(mlpArchitecture([4, 8, 3]), [
 *   { seed: 1, lr: 0.1, batchSize: 16 },
 *   { seed: 2, lr: 0.01, momentum: 0.9, batchSize: 16 },
 * ]);
 * const x = t.rand([16, 4], { seed: 3 }); // one batch shared by both models
 * const labels = Array.from({ length: 16 }, (_, i) => i % 3);
 * const losses = models.step({ x, labels }); // one packed forward, backward and update
 * console.log(losses.shape); // → [ 2 ]
 * const [a, b] = models.unpack(); // two ordinary t.nn.Sequential models with the trained weights
 * console.log(a.parameters().length, b.parameters().length); // → 4 4
 * models.dispose();
 * ```
 */
export function pack(architecture: Architecture, configs: readonly ModelConfig[]): PackedModels {
  return new PackedModels(architecture, configs);
}
