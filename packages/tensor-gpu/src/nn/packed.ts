import { packedConv2d, packedLinear } from '../ops/packed';
import { reshape, slice, stack } from '../ops/layout';
import { checkTensor } from '../ops/run';
import type { Pair } from '../ops/conv';
import { fmt } from '../shape';
import type { Tensor } from '../tensor';
import { Conv2d, type Conv2dLayerOptions } from './conv2d';
import { Linear, type LinearOptions } from './linear';
import { Module } from './module';
import { Parameter } from './parameter';
import { deriveSeed, resolveSeed } from './seed';
import { checkPositiveInt } from './weights';

/** Options shared by packed layers: one seed per model, or one seed that derives them. */
export interface PackedInitOptions {
  /** Seed of each model's layer (length K); model k is initialised exactly like an unpacked layer with `seeds[k]`. */
  seeds?: readonly number[];
  /** Derives the per-model seeds when `seeds` is not given. */
  seed?: number;
}

function modelSeeds(k: number, options: PackedInitOptions, owner: string): number[] {
  if (options.seeds) {
    if (options.seeds.length !== k) throw new Error(`${owner}: seeds must have one entry per model (${k}), got ${options.seeds.length}`);
    return [...options.seeds];
  }
  const base = resolveSeed(options.seed, owner);
  return Array.from({ length: k }, (_, i) => deriveSeed(base, i));
}

/** Stacks the same-named parameters of K freshly built layers into packed parameters, then frees the layers. */
function stackLayers(layers: Module[]): Map<string, Parameter> {
  const out = new Map<string, Parameter>();
  for (const [name, first] of layers[0].namedParameters()) {
    const engine = first.value.engine;
    const packed = engine.keep(engine.tidy(() => stack(layers.map((l) => l.namedParameters().find(([n]) => n === name)![1].value))));
    out.set(name, new Parameter(packed, first.role, first.unitAxis === null ? null : first.unitAxis + 1, first.trainable));
  }
  for (const l of layers) l.dispose();
  return out;
}

/**
 * K fully connected layers trained together: weight `[K, out, in]`, bias `[K, out]`. Input shared
 * `[B, in]` or per model `[K, B, in]`; output `[K, B, out]`. Model k starts exactly as
 * `new Linear(in, out, { seed: seeds[k] })` would.
 */
export class PackedLinear extends Module {
  /** Packed weight `[K, out, in]`. */
  readonly weight: Parameter;
  /** Packed bias `[K, out]`, or null. */
  readonly bias: Parameter | null;

  constructor(
    /** Number of models. */
    readonly models: number,
    /** Input features. */
    readonly inFeatures: number,
    /** Output features. */
    readonly outFeatures: number,
    options: Omit<LinearOptions, 'seed'> & PackedInitOptions = {},
  ) {
    super();
    checkPositiveInt(models, 'PackedLinear', 'models');
    const seeds = modelSeeds(models, options, 'PackedLinear');
    const params = stackLayers(seeds.map((seed) => new Linear(inFeatures, outFeatures, { ...options, seed })));
    this.weight = this.addParameter('weight', params.get('weight')!);
    this.bias = params.has('bias') ? this.addParameter('bias', params.get('bias')!) : null;
  }

  /** `x_k W_kᵀ + b_k` for every model k. */
  forward(x: Tensor): Tensor {
    return packedLinear(x, this.weight.value, this.bias?.value);
  }
}

/**
 * K convolution layers trained together in one grouped convolution: weight `[K, O, C, kH, kW]`,
 * bias `[K, O]`. Input shared `[B, C, H, W]` or per model `[K, B, C, H, W]`; output `[K, B, O, oH, oW]`.
 */
export class PackedConv2d extends Module {
  /** Packed weight `[K, O, C, kH, kW]`. */
  readonly weight: Parameter;
  /** Packed bias `[K, O]`, or null. */
  readonly bias: Parameter | null;
  private readonly convOptions: { stride?: Pair; padding?: Pair; dilation?: Pair };

  constructor(
    /** Number of models. */
    readonly models: number,
    /** Input channels. */
    readonly inChannels: number,
    /** Output channels. */
    readonly outChannels: number,
    /** Kernel size. */
    readonly kernelSize: Pair,
    options: Omit<Conv2dLayerOptions, 'seed' | 'groups'> & PackedInitOptions = {},
  ) {
    super();
    checkPositiveInt(models, 'PackedConv2d', 'models');
    const seeds = modelSeeds(models, options, 'PackedConv2d');
    const params = stackLayers(seeds.map((seed) => new Conv2d(inChannels, outChannels, kernelSize, { ...options, seed })));
    this.weight = this.addParameter('weight', params.get('weight')!);
    this.bias = params.has('bias') ? this.addParameter('bias', params.get('bias')!) : null;
    this.convOptions = { stride: options.stride, padding: options.padding, dilation: options.dilation };
  }

  /** Every model's convolution plus bias. */
  forward(x: Tensor): Tensor {
    return packedConv2d(x, this.weight.value, this.bias?.value, this.convOptions);
  }
}

/**
 * Applies a parameter-free module (activation, pooling, flatten) to packed activations
 * `[K, B, ...]` by folding the model axis into the batch: `[K·B, ...]` in, `[K, B, ...]` out.
 */
export class FoldModels extends Module {
  constructor(
    /** The module applied to every model's activations. */
    readonly inner: Module,
  ) {
    super();
    if (inner.parameters().length > 0) throw new Error('FoldModels: the inner module must have no parameters (use a Packed layer instead)');
    this.addModule('inner', inner);
  }

  /** `inner` on `[K·B, ...]`, reshaped back to `[K, B, ...]`. */
  forward(x: Tensor): Tensor {
    checkTensor(x, 'FoldModels');
    if (x.rank < 3) throw new Error(`FoldModels: expected packed activations [K, B, ...], got ${fmt(x.shape)}`);
    const [k, b] = x.shape;
    return x.engine.tidy(() => {
      const y = this.inner.forward(reshape(x, [k * b, ...x.shape.slice(2)]));
      return reshape(y, [k, b, ...y.shape.slice(1)]);
    });
  }
}

function alignedParameters(packed: Module, models: readonly Module[], op: string): { packed: [string, Parameter][]; models: [string, Parameter][][] } {
  const p = packed.namedParameters();
  const ms = models.map((m) => m.namedParameters());
  ms.forEach((list, k) => {
    if (list.length !== p.length) throw new Error(`${op}: model ${k} has ${list.length} parameters, the packed model ${p.length}`);
    list.forEach(([, param], i) => {
      const want = [models.length, ...param.value.shape];
      const got = p[i][1].value.shape;
      if (want.length !== got.length || want.some((d, j) => d !== got[j])) {
        throw new Error(`${op}: parameter ${i} ('${p[i][0]}' / '${list[i][0]}') is ${fmt(got)} packed, expected ${fmt(want)}`);
      }
    });
  });
  return { packed: p, models: ms };
}

/** Copies K same-architecture models' parameters into the packed model (parameters in matching order). */
export function packModels(packed: Module, models: readonly Module[]): void {
  const { packed: p, models: ms } = alignedParameters(packed, models, 'packModels');
  p.forEach(([, param], i) => {
    const engine = param.value.engine;
    param.assign(engine.keep(engine.tidy(() => stack(ms.map((list) => list[i][1].value)))));
  });
}

/** Copies each model's slice of the packed parameters back into K same-architecture models. */
export function unpackModels(packed: Module, models: readonly Module[]): void {
  const { packed: p, models: ms } = alignedParameters(packed, models, 'unpackModels');
  p.forEach(([, param], i) => {
    const v = param.value;
    ms.forEach((list, k) => {
      const own = v.engine.keep(v.engine.tidy(() => reshape(slice(v, [k, ...v.shape.slice(1).map(() => 0)], [1, ...v.shape.slice(1)]), v.shape.slice(1))));
      list[i][1].assign(own);
    });
  });
}
