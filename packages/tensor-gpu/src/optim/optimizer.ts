import type { Parameter } from '../nn/parameter';
import type { StateDict } from '../nn/state';
import type { Tensor } from '../tensor';
import type { NamedParameters } from './state-dict';

/**
 * A learning rate: a constant, or a function of the optimizer's step count (the number of
 * updates already applied, so the first update reads `lr(0)`). See `./schedules.ts` for step
 * and multi-step decay, and `perEpoch` to drive a schedule by epochs.
 */
export type LearningRate = number | ((step: number) => number);

/** The named state tensors an optimizer holds for one parameter (`momentum`, or Adam's `m` and `v`). */
export type OptimizerState = Readonly<Record<string, Tensor>>;

/**
 * What a training loop needs of an optimizer: one update from the gradients, and freeing its state.
 * Implementations keep their state tensors alive across `tidy` scopes, replace (and dispose) them
 * and the parameter values on every step so memory stays flat, and free them in `dispose`. They
 * never dispose the gradients: those belong to the caller. Update rules of technique packages
 * (a proximal step, a masked wrapper) implement this; tensor-gpu's own implement {@link Optimizer}.
 */
export interface StepOptimizer {
  /**
   * Applies one update: `params[i].value` becomes a new tensor computed from it and `grads[i]`
   * (same shape), through `Parameter.assign`. Parameters with `trainable = false` are left alone.
   */
  step(params: readonly Parameter[], grads: readonly Tensor[]): void;
  /** Frees every state tensor; the optimizer cannot step afterwards. */
  dispose(): void;
}

/** A {@link StepOptimizer} that also reports its name, step count, learning rate and state. */
export interface Optimizer extends StepOptimizer {
  /** Short name, e.g. `'sgd'` or `'adam'`. */
  readonly name: string;
  /** Updates applied so far (the step count schedules and Adam's bias corrections read). */
  readonly stepCount: number;
  /** The learning rate the next `step` will use. */
  learningRate(): number;
  /** The state tensors held for `param` (owned by the optimizer; do not dispose), or undefined before its first update. */
  state(param: Parameter): OptimizerState | undefined;
  /**
   * Reads back everything the next update depends on besides the options: the step count and the
   * state tensors, keyed by the names of `params` (`module.namedParameters()`), e.g.
   * `{ stepCount, '0.weight.momentum', ... }`. With the module's state dict it is a checkpoint:
   * loaded into a fresh model and an optimizer made with the same options, training continues
   * bit for bit as if it had not stopped. Save it to a file with `saveOptimizerStateDict`
   * (`@nnlab/tensor-gpu/node`) or `encodeStateDict`. Throws when the optimizer holds state for a
   * parameter `params` does not name.
   */
  stateDict(params: NamedParameters): Promise<StateDict>;
  /**
   * Replaces the step count and the whole state with a dict from {@link Optimizer.stateDict}, for the
   * parameters `params` names. Everything is checked before anything changes; a missing or
   * unexpected key, a shape that differs from the parameter's, or counts that disagree (state at
   * step 0, a per-parameter count above the step count) throw an error naming the key.
   */
  loadStateDict(params: NamedParameters, dict: StateDict): void;
}

/** The learning rate for the update that follows `step` earlier ones; throws unless it is finite and ≥ 0. */
export function resolveLearningRate(lr: LearningRate, step: number, optimizer: string): number {
  const value = typeof lr === 'function' ? lr(step) : lr;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${optimizer}: learning rate must be a finite number ≥ 0, got ${String(value)}${typeof lr === 'function' ? ` from the schedule at step ${step}` : ''}`);
  }
  return value;
}

/** Throws unless `value` is a finite number in `[min, max]` (`max` exclusive when `openMax`). */
export function checkHyperparameter(optimizer: string, name: string, value: number, min: number, max = Infinity, openMax = false): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && (openMax ? value < max : value <= max);
  if (!ok) {
    const range = max === Infinity ? `≥ ${min}` : `in [${min}, ${max}${openMax ? ')' : ']'}`;
    throw new Error(`${optimizer}: ${name} must be a finite number ${range}, got ${String(value)}`);
  }
  return value;
}

/** Checks a learning-rate option: a finite number ≥ 0 or a function. */
export function checkLearningRate(optimizer: string, lr: LearningRate): LearningRate {
  if (typeof lr === 'function') return lr;
  return checkHyperparameter(optimizer, 'lr', lr, 0);
}
