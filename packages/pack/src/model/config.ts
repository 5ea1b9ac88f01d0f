import * as t from '@nnlab/tensor-gpu';
/** The optimisers a pack can fuse across its models. */
export type OptimizerKind = 'sgd' | 'adam';

/**
 * The hyperparameters of one model in a pack. Every model of a pack has its own values; only the
 * optimiser kind (and, for SGD, Nesterov) must agree, because one fused update serves all models.
 */
export interface ModelConfig {
  /** Initialisation seed (model k of a pack starts exactly as a model built alone with this seed). */
  seed: number;
  /** Learning rate (finite, ≥ 0). */
  lr: number;
  /** `'sgd'` (default) or `'adam'`. */
  optimizer?: OptimizerKind;
  /** SGD momentum (default 0). */
  momentum?: number;
  /** Nesterov momentum for SGD (default false; the same for every model of a pack). */
  nesterov?: boolean;
  /** L2 penalty added to the gradient, `g + weightDecay·p` (default 0), for both optimisers. */
  weightDecay?: number;
  /** Adam's first-moment decay (default 0.9). */
  beta1?: number;
  /** Adam's second-moment decay (default 0.999). */
  beta2?: number;
  /** Adam's ε (default 1e-8). */
  eps?: number;
  /** Rows of each batch this model trains on (default: the whole batch fed to the pack). */
  batchSize?: number;
}

/** A {@link ModelConfig} with every default filled in. */
export type ResolvedConfig = Required<Omit<ModelConfig, 'batchSize'>> & { batchSize: number | undefined };

function finiteIn(value: unknown, what: string, min: number, max = Infinity, openMax = false): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && (openMax ? value < max : value <= max);
  if (!ok) throw new Error(`${what} must be a finite number ${max === Infinity ? `≥ ${min}` : `in [${min}, ${max}${openMax ? ')' : ']'}`}, got ${String(value)}`);
  return value as number;
}

/** Checks one config (the message names `configs[index]` and the field) and fills in the defaults. */
export function resolveConfig(config: ModelConfig, index: number): ResolvedConfig {
  const where = `configs[${index}]`;
  if (!config || typeof config !== 'object') throw new Error(`${where} must be an object { seed, lr, ... }, got ${String(config)}`);
  if (typeof config.seed !== 'number' || !Number.isInteger(config.seed)) throw new Error(`${where}.seed must be an integer, got ${String(config.seed)}`);
  const optimizer = config.optimizer ?? 'sgd';
  if (optimizer !== 'sgd' && optimizer !== 'adam') throw new Error(`${where}.optimizer must be 'sgd' or 'adam', got ${String(optimizer)}`);
  const batchSize = config.batchSize;
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1)) throw new Error(`${where}.batchSize must be a positive integer, got ${String(batchSize)}`);
  const nesterov = config.nesterov ?? false;
  if (typeof nesterov !== 'boolean') throw new Error(`${where}.nesterov must be a boolean, got ${String(nesterov)}`);
  const momentum = finiteIn(config.momentum ?? 0, `${where}.momentum`, 0);
  if (nesterov && momentum === 0) throw new Error(`${where}.nesterov needs momentum > 0`);
  return {
    seed: config.seed,
    lr: finiteIn(config.lr, `${where}.lr`, 0),
    optimizer,
    momentum,
    nesterov,
    weightDecay: finiteIn(config.weightDecay ?? 0, `${where}.weightDecay`, 0),
    beta1: finiteIn(config.beta1 ?? 0.9, `${where}.beta1`, 0, 1, true),
    beta2: finiteIn(config.beta2 ?? 0.999, `${where}.beta2`, 0, 1, true),
    eps: finiteIn(config.eps ?? 1e-8, `${where}.eps`, 0),
    batchSize,
  };
}

/**
 * The part of a config that decides whether it can share a fused update with another: configs
 * with different keys never go into one pack.
 */
export function fusionKey(config: ModelConfig): string {
  const optimizer = config.optimizer ?? 'sgd';
  return optimizer === 'sgd' ? `sgd${config.nesterov ? '-nesterov' : ''}` : optimizer;
}

/**
 * {@link fusionKey} plus the batch size: packs of configurations with equal keys fuse and need no
 * batch padding, so no model computes rows it then masks out (with `'own-batches'`, a pack of
 * mixed batch sizes runs as many steps as its smallest batch needs, each as wide as its largest).
 */
export function samePaddingKey(config: ModelConfig): string {
  return `${fusionKey(config)}/batch ${config.batchSize ?? 'default'}`;
}

/** The ordinary tensor-gpu optimizer (`sgd` or `adam`) of one resolved config, for training that model alone. */
export function singleModelOptimizer(c: ResolvedConfig): t.optim.Optimizer {
  return c.optimizer === 'sgd'
    ? t.optim.sgd({ lr: c.lr, momentum: c.momentum, weightDecay: c.weightDecay, nesterov: c.nesterov })
    : t.optim.adam({ lr: c.lr, beta1: c.beta1, beta2: c.beta2, eps: c.eps, weightDecay: c.weightDecay });
}
