// LCA during training: observe the model after each step; memory O(P), not O(T·P).
import type * as t from '@nnlab/tensor-gpu';
import type { LcaResult } from './aggregate/result';
import { moduleLayout, readParameters, type ModuleLayoutOptions, type ModuleParameters } from './layout/module';
import { moduleOracle, type ModuleOracle, type ModuleOracleOptions } from './oracle/module-oracle';
import type { IterationResult, Oracles } from './quadrature/allocator';
import { LcaRun, type LcaRunOptions } from './run';
import type { TrajectorySink } from './trajectory/types';

/** Options of {@link OnlineLca.create}. */
export interface OnlineLcaOptions extends LcaRunOptions, Omit<ModuleOracleOptions, 'data' | 'parameters'> {
  /** The split the loss is decomposed on (named `'train'`), e.g. the whole training split. */
  data?: t.train.LabeledData;
  /** Further splits with their own LCA, by name (e.g. `{ validation: testSplit }`); all share n_t. */
  extraSplits?: Readonly<Record<string, t.train.LabeledData>>;
  /** Custom oracles instead of `data` (they must take θ in the order of `moduleLayout(model, layout)`). */
  oracles?: Oracles;
  /** Which parameters and layers (see {@link moduleLayout}). */
  layout?: ModuleLayoutOptions;
  /** Also stream every θ_t to this sink (a trajectory file, for a later offline run). */
  trajectory?: TrajectorySink;
}

/**
 * LCA computed while the model trains. `create` reads θ₀ and evaluates the loss there; after
 * every optimizer step call `observe()` (or wrap the step with `wrap`), which reads θ_{t+1}
 * and allocates the step. Only θ_t, the end-point gradients, the Simpson sums and the kept
 * aggregates live in memory. The oracles run on the model in eval mode (dropout off) with the
 * BatchNorm convention of `bnMode` and restore its state, so training is not disturbed.
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 * import { OnlineLca, conservationError, meanFractionHelping } from '@nnlab/lca';
 *
 * const rng = t.data.createRng(1);
 * const data: t.train.LabeledData = {
 *   images: Float32Array.from({ length: 64 * 4 }, () => rng()),
 *   labels: Int32Array.from({ length: 64 }, (_, i) => i % 3),
 *   count: 64,
 *   shape: [4],
 * };
 * const model = new t.nn.Sequential(new t.nn.Linear(4, 8, { seed: 1 }), new t.nn.Tanh(), new t.nn.Linear(8, 3, { seed: 2 }));
 * const optimizer = t.optim.sgd({ lr: 0.1 });
 * const lca = await OnlineLca.create(model, { data }); // the loss LCA allocates: on all of data
 * const x = t.tensor(data.images, [64, 4]);
 * for (let step = 0; step < 10; step++) {
 *   t.tidy(() => t.train.trainStep(model, x, data.labels as Int32Array, { optimizer })).dispose();
 *   await lca.observe(); // allocates this step's loss change among the parameters
 * }
 * const result = lca.result();
 * console.log(conservationError(result) < 1e-3); // → true
 * console.log(meanFractionHelping(result) > 0); // → true
 * lca.dispose();
 * ```
 */
export class OnlineLca {
  private ownOracles: ModuleOracle[] = [];
  private readonly theta: Float64Array;

  private constructor(
    /** The underlying run. */
    readonly run: LcaRun,
    /** The model's parameters in θ order. */
    readonly parameters: ModuleParameters,
    private readonly trajectory: TrajectorySink | undefined,
  ) {
    this.theta = new Float64Array(parameters.layout.size);
  }

  /** Prepares LCA for `model` from its current parameters θ₀. */
  static async create(model: t.nn.Module, options: OnlineLcaOptions): Promise<OnlineLca> {
    const parameters = moduleLayout(model, options.layout);
    const own: ModuleOracle[] = [];
    let oracles = options.oracles;
    if (!oracles) {
      if (!options.data) throw new Error('OnlineLca: give `data` (the split to decompose the loss on) or `oracles`');
      const make = (data: t.train.LabeledData) => {
        const o = moduleOracle(model, { ...options, data, parameters });
        own.push(o);
        return o;
      };
      const named: Record<string, ModuleOracle> = { train: make(options.data) };
      for (const [name, data] of Object.entries(options.extraSplits ?? {})) named[name] = make(data);
      oracles = named;
    }
    const lca = new OnlineLca(new LcaRun(parameters.layout, oracles, options), parameters, options.trajectory);
    lca.ownOracles = own;
    try {
      const theta0 = await readParameters(parameters, lca.theta);
      await lca.trajectory?.append(theta0);
      await lca.run.start(theta0);
    } catch (e) {
      lca.dispose();
      throw e;
    }
    return lca;
  }

  /** Reads the model's parameters θ_{t+1} and allocates the step from θ_t. */
  async observe(): Promise<IterationResult> {
    const theta = await readParameters(this.parameters, this.theta);
    await this.trajectory?.append(theta);
    return this.run.step(theta);
  }

  /** Wraps a training step so that every call is followed by {@link observe}. */
  wrap<A extends unknown[], R>(step: (...args: A) => R | Promise<R>): (...args: A) => Promise<R> {
    return async (...args: A) => {
      const r = await step(...args);
      await this.observe();
      return r;
    };
  }

  /** The result for one split (default `'train'`, or the first). */
  result(split?: string): LcaResult {
    return this.run.result(split);
  }

  /** Host bytes held: the run's buffers and aggregates plus the θ read buffer. */
  memoryBytes(): number {
    return this.run.memoryBytes() + this.theta.byteLength;
  }

  /** Frees the chunks the built-in oracles keep on the device. */
  dispose(): void {
    for (const o of this.ownOracles) o.dispose();
    this.ownOracles = [];
  }
}
