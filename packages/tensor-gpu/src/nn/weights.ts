import { fmt, type Shape } from '../shape';
import { Tensor } from '../tensor';
import { defaultBiasInit, defaultWeightInit, fansOf, type InitArgs, type InitOptions, type Initializer } from './init';
import { Parameter, type ParameterRole } from './parameter';
import { deriveSeed, resolveSeed } from './seed';

/** Runs an initialiser, checks what it made and keeps it alive: the module owns it from now on. */
export function initialTensor(init: Initializer, args: InitArgs, owner: string): Tensor {
  if (typeof init !== 'function') throw new Error(`${owner}: an initialiser must be a function, got ${typeof init}`);
  const value = init(args);
  if (!(value instanceof Tensor) || value.shape.length !== args.shape.length || value.shape.some((d, i) => d !== args.shape[i])) {
    if (value instanceof Tensor) value.dispose();
    throw new Error(`${owner}: the initialiser must return a tensor of shape ${fmt(args.shape)}, got ${value instanceof Tensor ? fmt(value.shape) : typeof value}`);
  }
  return value.engine.keep(value);
}

/** A layer's weight and optional bias, initialised from its options (seeds: weight index 0, bias 1). */
export function weightAndBias(weightShape: Shape, outUnits: number, hasBias: boolean, options: InitOptions, owner: string): { weight: Parameter; bias: Parameter | null } {
  const seed = resolveSeed(options.seed, owner);
  const { fanIn, fanOut } = fansOf(weightShape);
  const make = (init: Initializer, shape: Shape, index: number, role: ParameterRole) =>
    new Parameter(initialTensor(init, { shape, fanIn, fanOut, seed: deriveSeed(seed, index) }, owner), role, 0);
  const weight = make(options.init ?? defaultWeightInit, weightShape, 0, 'weight');
  try {
    const bias = hasBias ? make(options.biasInit ?? defaultBiasInit, [outUnits], 1, 'bias') : null;
    return { weight, bias };
  } catch (e) {
    weight.value.dispose();
    throw e;
  }
}

/** Throws unless `n` is a positive integer; `what` names it in the message. */
export function checkPositiveInt(n: unknown, owner: string, what: string): asserts n is number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new Error(`${owner}: ${what} must be a positive integer, got ${String(n)}`);
}
