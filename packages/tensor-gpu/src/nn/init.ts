import { defaultEngine } from '../default-engine';
import { full, rand, randn } from '../ops/creation';
import { fmt, type Shape } from '../shape';
import type { Tensor } from '../tensor';

/** What an initialiser receives: the tensor's shape, the layer's fans and a seed. */
export interface InitArgs {
  /** Shape of the tensor to create. */
  shape: Shape;
  /** Inputs feeding one output unit (`in` of a Linear layer, `inC/groups · kH · kW` of a Conv2d). */
  fanIn: number;
  /** Outputs fed by one input unit (`out` of a Linear layer, `outC · kH · kW` of a Conv2d, PyTorch's rule). */
  fanOut: number;
  /** Seed of the generator: the same seed gives the same values on every backend. */
  seed: number;
}

/** Creates an initial tensor, reproducibly from `args.seed`. */
export type Initializer = (args: InitArgs) => Tensor;

/** Fan-in and fan-out of a weight (see {@link fansOf}). */
export interface Fans {
  /** Inputs feeding one output unit. */
  fanIn: number;
  /** Outputs fed by one input unit. */
  fanOut: number;
}

/**
 * Fan-in and fan-out of a weight shape as PyTorch computes them: `[out, in]` for linear weights,
 * `[outC, inC/groups, kH, kW]` for conv weights (receptive field `kH · kW` multiplies both).
 */
export function fansOf(weightShape: Shape): Fans {
  if (weightShape.length < 2) throw new Error(`fansOf: a weight needs at least 2 axes, got ${fmt(weightShape)}`);
  const receptive = weightShape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: weightShape[1] * receptive, fanOut: weightShape[0] * receptive };
}

function uniform(args: InitArgs, bound: number): Tensor {
  return rand(defaultEngine, args.shape, { seed: args.seed, low: -bound, high: bound });
}

function normal(args: InitArgs, std: number): Tensor {
  return randn(defaultEngine, args.shape, { seed: args.seed, std });
}

/** He (Kaiming) normal for ReLU layers: N(0, 2 / fanIn). */
export const heNormal: Initializer = (args) => normal(args, Math.sqrt(2 / args.fanIn));

/** He (Kaiming) uniform for ReLU layers: U(−b, b) with b = √(6 / fanIn). */
export const heUniform: Initializer = (args) => uniform(args, Math.sqrt(6 / args.fanIn));

/** Glorot (Xavier) normal: N(0, 2 / (fanIn + fanOut)). */
export const glorotNormal: Initializer = (args) => normal(args, Math.sqrt(2 / (args.fanIn + args.fanOut)));

/** Glorot (Xavier) uniform: U(−b, b) with b = √(6 / (fanIn + fanOut)). */
export const glorotUniform: Initializer = (args) => uniform(args, Math.sqrt(6 / (args.fanIn + args.fanOut)));

/** All zeros (the seed is ignored). */
export const zeros: Initializer = (args) => full(defaultEngine, args.shape, 0);

/**
 * Kaiming uniform with negative slope `a`: U(−b, b) with b = √(6 / ((1 + a²) · fanIn)), as
 * PyTorch's `kaiming_uniform_(w, a)` with its default leaky-ReLU gain.
 */
export function kaimingUniform(a: number): Initializer {
  const gain = Math.sqrt(2 / (1 + a * a));
  return (args) => uniform(args, gain * Math.sqrt(3 / args.fanIn));
}

/**
 * PyTorch's default for Linear and Conv2d weights: `kaiming_uniform_(w, a=√5)`, which is
 * U(−1/√fanIn, 1/√fanIn). The default weight initialiser of every layer here.
 */
export const defaultWeightInit: Initializer = /* @__PURE__ */ kaimingUniform(Math.sqrt(5));

/**
 * PyTorch's default for Linear and Conv2d biases: U(−1/√fanIn, 1/√fanIn) with the fan-in of the
 * layer's weight (passed in `args.fanIn`). The default bias initialiser of every layer here.
 */
export const defaultBiasInit: Initializer = (args) => uniform(args, args.fanIn > 0 ? 1 / Math.sqrt(args.fanIn) : 0);

/** Options shared by layers with weights: reproducible initialisation. */
export interface InitOptions {
  /** Seed of the layer's initialisation (weight and bias draw from seeds derived from it); random when omitted. */
  seed?: number;
  /** Weight initialiser (default: PyTorch's {@link defaultWeightInit}). */
  init?: Initializer;
  /** Bias initialiser (default: PyTorch's {@link defaultBiasInit}, with the weight's fan-in). */
  biasInit?: Initializer;
}
